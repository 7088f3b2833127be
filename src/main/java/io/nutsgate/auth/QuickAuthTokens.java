package io.nutsgate.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.RemoteKeySourceException;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import com.nimbusds.jwt.util.DateUtils;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.settings.NutsProperties;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Farcaster Quick Auth JWTs, verified with Nimbus JOSE+JWT (the library under Spring Security's resource server):
 * RS256 only, keys from {@code {FARCASTER_QUICK_AUTH_ORIGIN}/.well-known/jwks.json} (cached; a token naming an
 * unknown key refetches the set, at most once per {@code NUTS_QUICK_AUTH_JWKS_REFETCH_INTERVAL}), {@code iss} the
 * origin, {@code aud} the app's domain, {@code exp} and {@code iat} within {@code NUTS_SIWE_CLOCK_SKEW}, {@code sub}
 * the fid. Each refusal is a 401 whose code names the reason; a key set that cannot be fetched is a 503
 * ({@code QUICK_AUTH_UNAVAILABLE}). Each fetch goes through the {@code quick-auth-jwks} circuit breaker
 * ({@code NUTS_QUICK_AUTH_BREAKER_*}): while it is open, a sign-in that needs the keys fails at once with the same 503
 * instead of waiting {@code NUTS_QUICK_AUTH_TIMEOUT} for a host that is down.
 */
@Component
public class QuickAuthTokens {

    /** A verified token: the user's fid and when the token expires. */
    public record Verified(long fid, Instant expiresAt) {}

    /** Largest fid a JSON number can carry exactly (2^53 - 1), as on profiles. */
    private static final long MAX_FID = 9_007_199_254_740_991L;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final NutsProperties.QuickAuth settings;
    private final AuthApi auth;
    private final Clock clock;
    private final long skewSeconds;

    QuickAuthTokens(NutsProperties properties, AuthApi auth, Clock clock, CircuitBreakers breakers) {
        this.settings = properties.auth().quickAuth();
        this.auth = auth;
        this.clock = clock;
        this.skewSeconds = properties.auth().clockSkew().toSeconds();
        if (settings.jwksRefetchInterval().compareTo(settings.jwksCacheTtl()) >= 0) {
            throw new IllegalStateException(
                    "NUTS_QUICK_AUTH_JWKS_REFETCH_INTERVAL must be shorter than" + " NUTS_QUICK_AUTH_JWKS_CACHE_TTL");
        }
        int timeout = (int) settings.timeout().toMillis();
        ResourceRetriever fetch = breakerAround(
                new DefaultResourceRetriever(timeout, timeout, 64 * 1024),
                breakers.breaker("quick-auth-jwks", settings.breaker(), e -> true));
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(
                            URI.create(settings.origin() + "/.well-known/jwks.json")
                                    .toURL(),
                            fetch)
                    .cache(settings.jwksCacheTtl().toMillis(), timeout)
                    .rateLimited(settings.jwksRefetchInterval().toMillis())
                    .retrying(false)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalStateException("FARCASTER_QUICK_AUTH_ORIGIN is not a URL", e);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new Claims());
    }

    /**
     * {@code fetch} through {@code breaker}, below Nimbus's cache and rate limit so that only real fetches count. An
     * open breaker fails like an unreachable host (an {@link IOException}, which Nimbus reports as the key set being
     * unavailable).
     */
    private static ResourceRetriever breakerAround(ResourceRetriever fetch, CircuitBreaker breaker) {
        return url -> {
            try {
                return breaker.executeCheckedSupplier(() -> fetch.retrieveResource(url));
            } catch (CallNotPermittedException e) {
                throw new IOException("not fetched: the quick-auth-jwks circuit breaker is open after failed fetches");
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IOException(e); // retrieveResource throws nothing else
            }
        };
    }

    /** Whether {@code token} has the shape of a JWT (three base64url parts), not of one of our session tokens. */
    public static boolean looksLikeJwt(String token) {
        return token != null && token.matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*$");
    }

    /** The audience tokens must name: {@code FARCASTER_QUICK_AUTH_DOMAIN}, or the host of {@code SIWE_DOMAIN}. */
    String audience() {
        if (settings.domain() != null && !settings.domain().isBlank()) {
            return settings.domain();
        }
        String domain = auth.domain();
        int colon = domain.indexOf(':');
        return colon < 0 ? domain : domain.substring(0, colon);
    }

    /** The fid of a valid token, or an {@link ApiException} whose code names what is wrong with it. */
    public Verified verify(String token) {
        if (token == null || token.length() > 8192 || !looksLikeJwt(token)) {
            throw refused(ErrorCode.QUICK_AUTH_MALFORMED, "not a JWT (three base64url parts separated by dots)");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw refused(ErrorCode.QUICK_AUTH_MALFORMED, "does not parse: " + e.getMessage());
        } catch (Refusal e) {
            throw refused(e.code, e.getMessage());
        } catch (RateLimitReachedException e) {
            throw refused(
                    ErrorCode.QUICK_AUTH_SIGNATURE_INVALID,
                    "signed with a key the Quick Auth server does not publish (the key set was refetched moments"
                            + " ago)");
        } catch (RemoteKeySourceException | JWKSetUnavailableException e) {
            throw new ApiException(
                    ErrorCode.QUICK_AUTH_UNAVAILABLE,
                    "the Quick Auth keys (" + settings.origin() + "/.well-known/jwks.json) cannot be fetched now;"
                            + " try again later",
                    e);
        } catch (BadJOSEException | JOSEException e) {
            throw refused(ErrorCode.QUICK_AUTH_SIGNATURE_INVALID, signatureProblem(e));
        }
        return new Verified(fid(claims), claims.getExpirationTime().toInstant());
    }

    private static String signatureProblem(Exception e) {
        String detail = String.valueOf(e.getMessage());
        if (detail.contains("no matching key")) {
            return "not an RS256 signature by a key of the Quick Auth server (" + detail + ")";
        }
        return detail;
    }

    private static long fid(JWTClaimsSet claims) {
        Object sub = claims.getClaim("sub");
        long fid;
        if (sub instanceof Number n && !(sub instanceof Double) && !(sub instanceof Float)) {
            fid = n.longValue();
        } else if (sub instanceof String s && s.matches("^[1-9][0-9]{0,15}$")) {
            fid = Long.parseLong(s);
        } else {
            throw refused(ErrorCode.QUICK_AUTH_MALFORMED, "sub must be the fid, a positive integer");
        }
        if (fid < 1 || fid > MAX_FID) {
            throw refused(ErrorCode.QUICK_AUTH_MALFORMED, "sub must be the fid, a positive integer");
        }
        return fid;
    }

    private static ApiException refused(ErrorCode code, String detail) {
        return new ApiException(code, "Quick Auth token refused: " + detail);
    }

    /** A claims check that failed, with the code that names it. */
    private static final class Refusal extends BadJWTException {
        private final ErrorCode code;

        Refusal(ErrorCode code, String message) {
            super(message);
            this.code = code;
        }
    }

    /**
     * The claims, in the order the refusals are reported: present, not expired, not issued in the future (both with
     * the clock skew, Nimbus's {@link DateUtils}), the audience, the issuer. {@code sub} is read after.
     */
    private final class Claims implements JWTClaimsSetVerifier<SecurityContext> {
        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            for (String name : List.of("iss", "aud", "sub", "iat", "exp")) {
                if (claims.getClaim(name) == null) {
                    throw new Refusal(ErrorCode.QUICK_AUTH_MALFORMED, "the " + name + " claim is missing");
                }
            }
            Date now = Date.from(clock.instant());
            if (!DateUtils.isAfter(claims.getExpirationTime(), now, skewSeconds)) {
                throw new Refusal(
                        ErrorCode.QUICK_AUTH_EXPIRED,
                        "expired at " + claims.getExpirationTime().toInstant() + "; get a new one from Quick Auth");
            }
            if (!DateUtils.isBefore(claims.getIssueTime(), now, skewSeconds)) {
                throw new Refusal(
                        ErrorCode.QUICK_AUTH_EXPIRED,
                        "issued in the future (" + claims.getIssueTime().toInstant() + ")");
            }
            if (!claims.getAudience().equals(List.of(audience()))) {
                throw new Refusal(
                        ErrorCode.QUICK_AUTH_AUDIENCE_MISMATCH,
                        "its audience is " + claims.getAudience() + ", this service is " + audience()
                                + " (FARCASTER_QUICK_AUTH_DOMAIN)");
            }
            if (!settings.origin().equals(claims.getIssuer())) {
                throw new Refusal(
                        ErrorCode.QUICK_AUTH_ISSUER_MISMATCH,
                        "issued by " + claims.getIssuer() + ", not " + settings.origin()
                                + " (FARCASTER_QUICK_AUTH_ORIGIN)");
            }
        }
    }
}
