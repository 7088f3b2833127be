package io.nutsgate.support;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service on a random port with its database (see {@link TestDatabase}), the indexer served by a
 * {@link FixtureUpstream} over loopback, the clock pinned to the fixtures' time, SIWE configured for
 * {@value #SIWE_DOMAIN}, and the trade sync running on events only. Every test starts with empty tables.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(PersistenceTest.TestClock.class)
public abstract class PersistenceTest {

    public static final String REFERRER = GatewayTest.REFERRER;
    public static final String OTHER_REFERRER = GatewayTest.OTHER_REFERRER;
    public static final String USER = GatewayTest.USER;
    public static final String SIWE_DOMAIN = "app.alphabit.test";
    public static final String SIWE_URI = "https://app.alphabit.test";

    protected static final FixtureUpstream upstream = new FixtureUpstream();
    protected static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    protected int port;

    @Autowired
    protected MutableClock clock;

    @Autowired
    protected JdbcClient jdbc;

    protected final HttpClient http = HttpClient.newHttpClient();

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary
        MutableClock persistenceTestClock() {
            return new MutableClock();
        }
    }

    @DynamicPropertySource
    static void persistenceProperties(DynamicPropertyRegistry registry) {
        registry.add("nuts.orders-url", upstream::ordersUrl);
        registry.add("nuts.indexer-url", upstream::indexerUrl);
        registry.add("nuts.referrer-address", () -> REFERRER);
        registry.add("nuts.upstream.timeout", () -> "1s");
        registry.add("nuts.upstream.connect-timeout", () -> "500ms");
        registry.add("nuts.auth.siwe-domain", () -> SIWE_DOMAIN);
        registry.add("nuts.auth.siwe-uri", () -> SIWE_URI);
        registry.add("nuts.trades.scheduled-sync", () -> "false");
        registry.add("nuts.trades.sync-on-events", () -> "true");
        registry.add("nuts.trades.after-update-delay", () -> "0s");
        // the tests sign in many times within one minute of the pinned clock
        registry.add("nuts.auth.nonces-per-minute", () -> "100000");
        registry.add("nuts.update-rate-limit.requests", () -> "1000");
        registry.add("nuts.trades.leaderboard-refresh", () -> "1h");
    }

    @BeforeEach
    void emptyTables() {
        upstream.reset();
        clock.set(MutableClock.FIXTURE_NOW);
        jdbc.sql("TRUNCATE users, wallets, sessions, siwe_nonces, wallet_activity, trades, trader_totals,"
                        + " trader_window_totals, trader_window_state, referrer_daily RESTART IDENTITY CASCADE")
                .update();
    }

    // ---- Sign-In with Ethereum ----

    /** A deterministic externally owned account. */
    protected static ECKeyPair key(long seed) {
        return ECKeyPair.create(
                BigInteger.valueOf(seed).multiply(BigInteger.valueOf(1_000_003)).add(BigInteger.TEN.pow(30)));
    }

    protected static String address(ECKeyPair key) {
        return "0x" + Keys.getAddress(key.getPublicKey()).toLowerCase(Locale.ROOT);
    }

    protected String nonce() {
        return body(get("/auth/nonce")).get("data").get("nonce").asString();
    }

    /** An EIP-4361 message as wallets build it (checksummed address, statement, issued now, expiring in 5 min). */
    protected String message(ECKeyPair key, String nonce) {
        return message(
                SIWE_DOMAIN,
                address(key),
                SIWE_URI,
                8453,
                nonce,
                clock.instant(),
                clock.instant().plusSeconds(300));
    }

    protected static String message(
            String domain,
            String address,
            String uri,
            long chainId,
            String nonce,
            Instant issuedAt,
            Instant expiresAt) {
        return domain + " wants you to sign in with your Ethereum account:\n"
                + Keys.toChecksumAddress(address) + "\n\n"
                + "Sign in to Alphabit\n\n"
                + "URI: " + uri + "\n"
                + "Version: 1\n"
                + "Chain ID: " + chainId + "\n"
                + "Nonce: " + nonce + "\n"
                + "Issued At: " + issuedAt
                + (expiresAt == null ? "" : "\nExpiration Time: " + expiresAt);
    }

    protected static String sign(String message, ECKeyPair key) {
        Sign.SignatureData signature = Sign.signPrefixedMessage(message.getBytes(StandardCharsets.UTF_8), key);
        byte[] bytes = new byte[65];
        System.arraycopy(signature.getR(), 0, bytes, 0, 32);
        System.arraycopy(signature.getS(), 0, bytes, 32, 32);
        bytes[64] = signature.getV()[0];
        return Numeric.toHexString(bytes);
    }

    protected static String proof(String message, String signature) {
        return json.createObjectNode()
                .put("message", message)
                .put("signature", signature)
                .toString();
    }

    /** Signs in with {@code key} and returns the {@code Authorization} header value. */
    protected String signIn(ECKeyPair key) {
        String message = message(key, nonce());
        HttpResponse<String> response = post("/auth/verify", proof(message, sign(message, key)));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("sign-in failed: " + response.body());
        }
        return "Bearer " + body(response).get("data").get("token").asString();
    }

    // ---- HTTP ----

    protected HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) request.headers(headers);
        return send(request.build());
    }

    protected HttpResponse<String> post(String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .headers(headers.length > 0 ? headers : new String[] {"Accept", "application/json"})
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    protected HttpResponse<String> put(String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .headers(headers.length > 0 ? headers : new String[] {"Accept", "application/json"})
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    protected static JsonNode body(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    protected static String errorCode(HttpResponse<String> response) {
        return body(response).path("error").path("code").asString();
    }
}
