package io.nutsgate.support;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * The persistence features over {@link ServiceTest}: the clock pinned to the fixtures' time, SIWE configured
 * for {@value #SIWE_DOMAIN}, and the trade sync running on events only. Every test starts with empty tables.
 */
public abstract class PersistenceTest extends ServiceTest {

    public static final String SIWE_DOMAIN = "app.alphabit.test";
    public static final String SIWE_URI = "https://app.alphabit.test";

    /** Farcaster's Quick Auth server, stood in locally (FARCASTER_QUICK_AUTH_ORIGIN points at it). */
    protected static final QuickAuthServer quickAuth = QuickAuthServer.shared();

    @Autowired
    protected JdbcClient jdbc;

    @DynamicPropertySource
    static void persistenceProperties(DynamicPropertyRegistry registry) {
        registry.add("nuts.auth.siwe-domain", () -> SIWE_DOMAIN);
        registry.add("nuts.auth.siwe-uri", () -> SIWE_URI);
        registry.add("nuts.auth.quick-auth.origin", quickAuth::origin);
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
        // The leaderboard refresh (it runs once as the context starts) or a sync a previous test triggered may
        // read these tables right now; TRUNCATE then can deadlock with it, and PostgreSQL picks one to abort.
        for (int attempt = 1; ; attempt++) {
            try {
                jdbc.sql("TRUNCATE users, wallets, sessions, siwe_nonces, wallet_activity, trades, trader_totals,"
                                + " trader_window_totals, trader_window_state, referrer_daily RESTART IDENTITY CASCADE")
                        .update();
                return;
            } catch (PessimisticLockingFailureException deadlock) {
                if (attempt == 5) {
                    throw deadlock;
                }
            }
        }
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

    /** A Quick Auth token for {@code fid}, issued now for this app (its audience is the host of SIWE_DOMAIN). */
    protected String farcasterToken(long fid) {
        return quickAuth.token(fid, SIWE_DOMAIN, clock.instant());
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
}
