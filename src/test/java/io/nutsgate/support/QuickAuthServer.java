package io.nutsgate.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in of Farcaster's Quick Auth server (auth.farcaster.xyz): it serves its RSA public keys as a JWK set
 * at {@code /.well-known/jwks.json} (counting the fetches) and mints tokens as Quick Auth does (RS256, {@code kid},
 * {@code iss} its origin, {@code aud} the app's domain, {@code sub} the fid as a JSON number, {@code iat},
 * {@code exp}), signed with Nimbus JOSE+JWT. Keys are generated per server; more can be published while it runs.
 */
public final class QuickAuthServer implements AutoCloseable {

    private static QuickAuthServer shared;

    private final HttpServer server;
    private final List<RSAKey> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile boolean down;

    private QuickAuthServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        published.add(generate("quick-auth-1"));
        server.createContext("/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            if (down) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            byte[] body = new JWKSet(published.stream()
                            .map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK())
                            .toList())
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    public static QuickAuthServer start() {
        return new QuickAuthServer();
    }

    /** One server for the whole test run. */
    public static synchronized QuickAuthServer shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** {@code http://127.0.0.1:<port>}: the issuer and FARCASTER_QUICK_AUTH_ORIGIN. */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** While {@code down}, the key set is answered with a 503 (the fetch still counts). */
    public QuickAuthServer down(boolean down) {
        this.down = down;
        return this;
    }

    public int fetches() {
        return fetches.get();
    }

    /** The key tokens are signed with unless told otherwise. */
    public RSAKey key() {
        return published.getFirst();
    }

    /** A new key, published in the JWK set from now on. */
    public RSAKey publishNewKey(String kid) {
        RSAKey key = generate(kid);
        published.add(key);
        return key;
    }

    /** A key that is never published. */
    public static RSAKey unpublishedKey(String kid) {
        return generate(kid);
    }

    /** A valid Quick Auth token for {@code fid}, for {@code audience}, issued at {@code now}, living an hour. */
    public String token(long fid, String audience, Instant now) {
        return sign(key(), claims(fid, audience, now).build());
    }

    /** Quick Auth's claims: iss, aud, sub (the fid, a JSON number), iat, exp. */
    public JWTClaimsSet.Builder claims(long fid, String audience, Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(origin())
                .audience(audience)
                .claim("sub", fid)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)));
    }

    /** {@code claims} signed RS256 with {@code key}, its kid in the header. */
    public static String sign(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
