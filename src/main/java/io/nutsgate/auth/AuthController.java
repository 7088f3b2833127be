package io.nutsgate.auth;

import io.nutsgate.common.ApiResponse;
import io.nutsgate.common.Checksummed;
import io.nutsgate.ratelimit.RateLimiter;
import io.nutsgate.ratelimit.RateLimiters;
import io.nutsgate.settings.NutsProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponses;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/auth")
@Tag(
        name = "Sign-In with Ethereum",
        description = "EIP-4361 sign-in on Base (chain 8453) with an account key, a deployed smart wallet"
                + " (ERC-1271) or one not deployed yet (ERC-6492); Farcaster Quick Auth JWTs.")
class AuthController {

    private final AuthApi auth;
    private final NonceStore nonces;
    private final SessionStore sessions;
    private final NutsProperties.Auth settings;
    private final Clock clock;
    private final QuickAuthTokens quickAuth;
    private final ApplicationEventPublisher events;
    /** Each nonce is a database row until it expires: a client may not mint them without bound. */
    private final RateLimiter nonceLimiter;

    AuthController(
            AuthApi auth,
            NonceStore nonces,
            SessionStore sessions,
            NutsProperties properties,
            Clock clock,
            RateLimiters limiters,
            QuickAuthTokens quickAuth,
            ApplicationEventPublisher events) {
        this.quickAuth = quickAuth;
        this.events = events;
        this.nonceLimiter = limiters.limiter("auth-nonce", properties.auth().noncesPerMinute(), Duration.ofMinutes(1));
        this.auth = auth;
        this.nonces = nonces;
        this.sessions = sessions;
        this.settings = properties.auth();
        this.clock = clock;
    }

    @Schema(description = "A single-use nonce and the values the message must carry")
    record NonceDto(String nonce, Instant expiresAt, String domain, String uri, long chainId) {}

    @Schema(
            description = "A session: send the token as Authorization: Bearer <token>. A wallet's session (SIWE) has"
                    + " the address and no fid; a Farcaster session (Quick Auth) the verified fid and no address.")
    record SessionDto(String token, @Checksummed String address, Long fid, Instant expiresAt) {}

    @Schema(description = "A Farcaster Quick Auth JWT, as the mini app's sdk.quickAuth.getToken() gives it")
    record QuickAuthRequest(@NotBlank @Size(max = 8192) String token) {}

    @GetMapping("/nonce")
    @Operation(
            summary = "Get a sign-in nonce",
            description = "Single use, expires after 10 minutes (NUTS_SIWE_NONCE_TTL); kept in the database so any"
                    + " instance can verify it. Put it in the EIP-4361 message's Nonce field. 30 a minute per"
                    + " client (NUTS_SIWE_NONCES_PER_MINUTE), then 429 RATE_LIMITED.")
    ApiResponse<NonceDto> nonce(HttpServletRequest request) {
        nonceLimiter.acquire(request);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.nonceTtl());
        String nonce = nonces.issue(now, expiresAt);
        return ApiResponse.ok(new NonceDto(nonce, expiresAt, auth.domain(), auth.uri(), auth.chainId()));
    }

    @PostMapping("/verify")
    @Operation(
            summary = "Sign in with an EIP-4361 message and its signature",
            description =
                    "Checks the domain (SIWE_DOMAIN), URI (SIWE_URI), chain id (NUTS_SIWE_CHAIN_IDS, default 8453), the nonce (single use),"
                            + " Issued At / Expiration Time / Not Before, and the signature. Answers an"
                            + " opaque session token (stored hashed, expiring after NUTS_SESSION_TTL, default 24 h)."
                            + " Failures are 401 with SIWE_DOMAIN_MISMATCH, SIWE_URI_MISMATCH, SIWE_CHAIN_MISMATCH,"
                            + " SIWE_EXPIRED, SIWE_NOT_YET_VALID, SIWE_NONCE_INVALID (replayed, unknown or expired) or"
                            + " SIWE_SIGNATURE_INVALID (also for a high-s signature, EIP-2); a message that is not EIP-4361"
                            + " is 400 SIWE_MALFORMED. The nonce is used up only when every check passed."
                            + " Smart wallets: ERC-1271 when deployed, ERC-6492 wrapped when not (the factory must be one of"
                            + " NUTS_SIWE_6492_FACTORIES), checked by eth_call on BASE_RPC_URL; without it, 503"
                            + " CHAIN_UNAVAILABLE for such a signature.")
    @ApiResponses({
        @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "signed in"),
        @io.swagger.v3.oas.annotations.responses.ApiResponse(
                responseCode = "400",
                description = "SIWE_MALFORMED, INVALID_BODY"),
        @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "401", description = "a failed SIWE check")
    })
    ApiResponse<SessionDto> verify(@Valid @RequestBody SiweRequest request) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.sessionTtl());
        return ApiResponse.ok(auth.redeemProof(
                request.message(),
                request.signature(),
                address -> new SessionDto(sessions.create(address, null, now, expiresAt), address, null, expiresAt)));
    }

    @PostMapping("/farcaster")
    @Operation(
            summary = "Sign in with a Farcaster Quick Auth JWT",
            description = "Verifies the JWT (RS256 by a key of FARCASTER_QUICK_AUTH_ORIGIN's"
                    + " /.well-known/jwks.json, iss that origin, aud FARCASTER_QUICK_AUTH_DOMAIN, exp and iat within"
                    + " NUTS_SIWE_CLOCK_SKEW), finds or creates the user of its fid (sub) and answers a session like"
                    + " POST /auth/verify, holding the verified fid. The JWT itself is accepted as a bearer token"
                    + " too. Refusals are 401: QUICK_AUTH_MALFORMED, QUICK_AUTH_EXPIRED,"
                    + " QUICK_AUTH_AUDIENCE_MISMATCH, QUICK_AUTH_ISSUER_MISMATCH, QUICK_AUTH_SIGNATURE_INVALID;"
                    + " 503 QUICK_AUTH_UNAVAILABLE when the keys cannot be fetched.")
    ApiResponse<SessionDto> farcaster(@Valid @RequestBody QuickAuthRequest request) {
        QuickAuthTokens.Verified verified = quickAuth.verify(request.token());
        events.publishEvent(new FarcasterSignedInEvent(verified.fid()));
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.sessionTtl());
        return ApiResponse.ok(
                new SessionDto(sessions.create(null, verified.fid(), now, expiresAt), null, verified.fid(), expiresAt));
    }

    @DeleteMapping("/session")
    @Operation(
            summary = "Sign out: end the bearer session",
            security = @SecurityRequirement(name = SignedIn.SECURITY_SCHEME))
    ApiResponse<Void> signOut(
            @Parameter(hidden = true) SignedIn signedIn,
            @Parameter(hidden = true) @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
        sessions.delete(SignedInResolver.token(authorization));
        return ApiResponse.ok(null);
    }
}
