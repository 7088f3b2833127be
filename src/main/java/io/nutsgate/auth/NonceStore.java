package io.nutsgate.auth;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SIWE nonces in the database, so whichever instance receives {@code /auth/verify} can check them. */
@Repository
class NonceStore {

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final int LENGTH = 32;

    private final JdbcClient jdbc;
    private final SecureRandom random = new SecureRandom();

    NonceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A new random nonce valid until {@code expiresAt}; expired ones are purged on the way. */
    String issue(Instant now, Instant expiresAt) {
        jdbc.sql("DELETE FROM siwe_nonces WHERE expires_at <= :now")
                .param("now", now.atOffset(ZoneOffset.UTC))
                .update();
        char[] nonce = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            nonce[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        String value = new String(nonce);
        jdbc.sql("INSERT INTO siwe_nonces (nonce, created_at, expires_at) VALUES (:nonce, :now, :expiresAt)")
                .param("nonce", value)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .param("expiresAt", expiresAt.atOffset(ZoneOffset.UTC))
                .update();
        return value;
    }

    /** True for a nonce that was issued and is neither used nor expired; does not use it up. */
    boolean isLive(String nonce, Instant now) {
        return jdbc.sql("SELECT count(*) FROM siwe_nonces WHERE nonce = :nonce AND expires_at > :now")
                        .param("nonce", nonce)
                        .param("now", now.atOffset(ZoneOffset.UTC))
                        .query(Long.class)
                        .single()
                == 1;
    }

    /**
     * Uses the nonce up, in the caller's transaction if there is one: true exactly once for a nonce that was issued
     * and has not expired, however many instances try at the same moment (the row is deleted; the database
     * serialises the deletes).
     */
    boolean consume(String nonce, Instant now) {
        return jdbc.sql("DELETE FROM siwe_nonces WHERE nonce = :nonce AND expires_at > :now")
                        .param("nonce", nonce)
                        .param("now", now.atOffset(ZoneOffset.UTC))
                        .update()
                == 1;
    }
}
