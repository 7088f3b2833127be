package io.nutsgate.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Opaque bearer tokens. The client holds {@code ngs_<43 base64url chars>}; the database holds only its SHA-256,
 * so a leaked table does not hand out sessions.
 */
@Repository
class SessionStore {

    static final String PREFIX = "ngs_";

    private final JdbcClient jdbc;
    private final SecureRandom random = new SecureRandom();

    SessionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Creates a session for {@code address} (SIWE) or {@code fid} (Quick Auth; the other one null) and returns its
     * token; expired sessions are purged on the way.
     */
    String create(String address, Long fid, Instant now, Instant expiresAt) {
        jdbc.sql("DELETE FROM sessions WHERE expires_at <= :now")
                .param("now", now.atOffset(ZoneOffset.UTC))
                .update();
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        jdbc.sql("INSERT INTO sessions (token_hash, address, fid, created_at, expires_at)"
                        + " VALUES (:hash, :address, :fid, :now, :expiresAt)")
                .param("hash", hash(token))
                .param("address", address)
                .param("fid", fid)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .param("expiresAt", expiresAt.atOffset(ZoneOffset.UTC))
                .update();
        return token;
    }

    /** The wallet or fid and expiry of a live session, or empty for an unknown or expired token. */
    Optional<SignedIn> find(String token, Instant now) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 128) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT address, fid, expires_at FROM sessions WHERE token_hash = :hash AND expires_at > :now")
                .param("hash", hash(token))
                .param("now", now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new SignedIn(
                        rs.getString("address"),
                        rs.getObject("fid", Long.class),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant()))
                .optional();
    }

    /** Ends the session of {@code token}; true if there was one. */
    boolean delete(String token) {
        return jdbc.sql("DELETE FROM sessions WHERE token_hash = :hash")
                        .param("hash", hash(token))
                        .update()
                == 1;
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
