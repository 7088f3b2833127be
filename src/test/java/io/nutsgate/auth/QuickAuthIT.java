package io.nutsgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.nutsgate.support.PersistenceTest;
import io.nutsgate.support.QuickAuthServer;
import io.nutsgate.support.SocketIoTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Farcaster Quick Auth against a local stand-in of its server (generated RSA keys served as a JWK set), tokens
 * minted there with Nimbus: signing in with {@code POST /auth/farcaster}, the JWT as a bearer over HTTP and in the
 * Socket.IO handshake, and every refusal with its code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuickAuthIT extends PersistenceTest {

    static final long FID = 3621;

    @DynamicPropertySource
    static void quickAuthProperties(DynamicPropertyRegistry registry) {
        // a context of its own, so the JWK set's refetch budget is this class's alone
        registry.add("nuts.auth.quick-auth.jwks-refetch-interval", () -> "1h");
        registry.add("nuts.auth.quick-auth.jwks-cache-ttl", () -> "2h");
    }

    @Test
    void shouldExchangeAQuickAuthTokenForASessionAndCreateTheUserByFid() {
        HttpResponse<String> session = post("/auth/farcaster", tokenBody(farcasterToken(FID)));

        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        JsonNode data = body(session).path("data");
        assertThat(data.path("fid").asLong()).isEqualTo(FID);
        assertThat(data.path("address").isNull()).isTrue();
        assertThat(data.path("token").asString()).startsWith("ngs_");
        JsonNode me =
                body(get("/users/me", bearer(data.path("token").asString()))).path("data");
        assertThat(me.path("fid").asLong()).isEqualTo(FID);
        assertThat(me.path("fidVerified").asBoolean()).isTrue();
        // The JWT itself is a bearer too, and finds the same user.
        HttpResponse<String> direct = get("/users/me", bearer(farcasterToken(FID)));
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(body(direct).path("data").path("fid").asLong()).isEqualTo(FID);
        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void shouldAcceptTheFidAsANumericString() {
        String token = QuickAuthServer.sign(
                quickAuth.key(),
                quickAuth
                        .claims(FID, SIWE_DOMAIN, clock.instant())
                        .claim("sub", String.valueOf(FID))
                        .build());

        HttpResponse<String> session = post("/auth/farcaster", tokenBody(token));

        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        assertThat(body(session).path("data").path("fid").asLong()).isEqualTo(FID);
    }

    @Test
    void shouldRefuseEachBadTokenWithACodeNamingTheReasonOverHttpAndAsBearer() throws JOSEException {
        var now = clock.instant();
        RSAKey published = quickAuth.key();
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("wrong audience", sign(published, quickAuth.claims(FID, "evil.example", now)));
        refusals.put(
                "wrong issuer",
                sign(published, quickAuth.claims(FID, SIWE_DOMAIN, now).issuer("https://auth.evil.example")));
        refusals.put(
                "expired",
                sign(
                        published,
                        quickAuth
                                .claims(FID, SIWE_DOMAIN, now.minus(Duration.ofHours(2)))
                                .expirationTime(java.util.Date.from(now.minus(Duration.ofMinutes(10))))));
        // another key claiming to be the published one (same kid), and a key nobody publishes
        RSAKey impostor = QuickAuthServer.unpublishedKey(published.getKeyID());
        refusals.put("another key", sign(impostor, quickAuth.claims(FID, SIWE_DOMAIN, now)));
        refusals.put(
                "unknown kid",
                sign(QuickAuthServer.unpublishedKey("never-published"), quickAuth.claims(FID, SIWE_DOMAIN, now)));
        refusals.put(
                "alg none", new PlainJWT(quickAuth.claims(FID, SIWE_DOMAIN, now).build()).serialize());
        SignedJWT hs256 = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(published.getKeyID())
                        .build(),
                quickAuth.claims(FID, SIWE_DOMAIN, now).build());
        hs256.sign(new MACSigner(published.toRSAPublicKey().getEncoded()));
        refusals.put("HS256 keyed with the public key", hs256.serialize());
        String valid = farcasterToken(FID);
        refusals.put("cut signature", valid.substring(0, valid.length() - 12));

        Map<String, String> expected = Map.of(
                "wrong audience", "QUICK_AUTH_AUDIENCE_MISMATCH",
                "wrong issuer", "QUICK_AUTH_ISSUER_MISMATCH",
                "expired", "QUICK_AUTH_EXPIRED");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            String code = expected.getOrDefault(refusal.getKey(), "QUICK_AUTH_SIGNATURE_INVALID");
            HttpResponse<String> exchanged = post("/auth/farcaster", tokenBody(refusal.getValue()));
            HttpResponse<String> asBearer = get("/users/me", bearer(refusal.getValue()));

            assertThat(exchanged.statusCode()).as(refusal.getKey()).isEqualTo(401);
            assertThat(errorCode(exchanged)).as(refusal.getKey()).isEqualTo(code);
            assertThat(asBearer.statusCode()).as(refusal.getKey()).isEqualTo(401);
            assertThat(errorCode(asBearer)).as(refusal.getKey()).isEqualTo(code);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM sessions").query(Long.class).single())
                .isZero();
    }

    /** First: the JWK set's refetch budget (two fetches an hour here) is untouched by the other tests. */
    @Test
    @Order(1)
    void shouldRefetchTheKeysForANewKidButNotForEveryUnknownOne() {
        // the key set is fetched and cached
        int before = quickAuth.fetches();
        assertThat(post("/auth/farcaster", tokenBody(farcasterToken(FID))).statusCode())
                .isEqualTo(200);
        int fetched = quickAuth.fetches();
        assertThat(fetched).isEqualTo(before + 1);
        assertThat(post("/auth/farcaster", tokenBody(farcasterToken(FID))).statusCode())
                .isEqualTo(200);
        assertThat(quickAuth.fetches()).as("served from the cache").isEqualTo(fetched);

        // a key published since: its first token refetches the set
        RSAKey rotated = quickAuth.publishNewKey("rotated-" + System.nanoTime());
        String token = QuickAuthServer.sign(
                rotated, quickAuth.claims(FID, SIWE_DOMAIN, clock.instant()).build());
        assertThat(post("/auth/farcaster", tokenBody(token)).statusCode()).isEqualTo(200);
        assertThat(quickAuth.fetches()).isEqualTo(fetched + 1);

        // a stream of unknown kids does not make a fetch each
        for (int i = 0; i < 8; i++) {
            String unknown = QuickAuthServer.sign(
                    QuickAuthServer.unpublishedKey("unknown-" + i),
                    quickAuth.claims(FID, SIWE_DOMAIN, clock.instant()).build());
            HttpResponse<String> refused = post("/auth/farcaster", tokenBody(unknown));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(errorCode(refused)).isEqualTo("QUICK_AUTH_SIGNATURE_INVALID");
        }
        assertThat(quickAuth.fetches()).isLessThanOrEqualTo(fetched + 2);
    }

    @Test
    void shouldSignInASocketWithAQuickAuthTokenAndNotWithARefusedOne() {
        double before = signedInCount();
        String expired = QuickAuthServer.sign(
                quickAuth.key(),
                quickAuth
                        .claims(FID, SIWE_DOMAIN, clock.instant().minus(Duration.ofHours(3)))
                        .build());
        try (SocketIoTestClient signedIn =
                        SocketIoTestClient.connectWithToken("http://127.0.0.1:" + port, farcasterToken(FID));
                SocketIoTestClient refused = SocketIoTestClient.connectWithToken("http://127.0.0.1:" + port, expired)) {
            signedIn.awaitConnected();
            refused.awaitConnected();
        }
        assertThat(signedInCount()).isEqualTo(before + 1);
        assertThat(jdbc.sql("SELECT count(*) FROM users WHERE fid = :fid AND fid_verified")
                        .param("fid", FID)
                        .query(Long.class)
                        .single())
                .as("the socket's sign-in found or created the user too")
                .isEqualTo(1);
    }

    private double signedInCount() {
        return get("/actuator/prometheus", OPERATOR)
                .body()
                .lines()
                .filter(l -> l.startsWith("nuts_push_signed_in_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    private static String sign(RSAKey key, JWTClaimsSet.Builder claims) {
        return QuickAuthServer.sign(key, claims.build());
    }

    private static String tokenBody(String token) {
        return json.createObjectNode().put("token", token).toString();
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }
}
