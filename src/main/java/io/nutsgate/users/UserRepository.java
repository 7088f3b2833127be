package io.nutsgate.users;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class UserRepository {

    private final JdbcClient jdbc;

    UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Serialises account changes that involve {@code key} until the transaction ends, on every instance. */
    void lock(String key) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 4))")
                .param("key", key)
                .query((rs, n) -> 1)
                .single();
    }

    Optional<Long> userOfWallet(String address) {
        return jdbc.sql("SELECT user_id FROM wallets WHERE address = :address")
                .param("address", address)
                .query(Long.class)
                .optional();
    }

    Optional<Long> userOfFid(long fid) {
        return jdbc.sql("SELECT id FROM users WHERE fid = :fid")
                .param("fid", fid)
                .query(Long.class)
                .optional();
    }

    long insertUser(ProfileRequest profile, Instant now) {
        return jdbc.sql("INSERT INTO users (fid, username, display_name, pfp_url, created_at, updated_at)"
                        + " VALUES (:fid, :username, NULLIF(:displayName, ''), NULLIF(:pfpUrl, ''), :now, :now)"
                        + " RETURNING id")
                .param("fid", profile.fid())
                .param("username", profile.username())
                .param("displayName", profile.displayName())
                .param("pfpUrl", profile.pfpUrl())
                .param("now", now.atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }

    /** Optional fields that are null keep their value; empty ones clear it. */
    void updateUser(long id, ProfileRequest profile, Instant now) {
        jdbc.sql("UPDATE users SET fid = :fid, username = :username,"
                        + " display_name = CASE WHEN CAST(:displayName AS text) IS NULL THEN display_name"
                        + " ELSE NULLIF(:displayName, '') END,"
                        + " pfp_url = CASE WHEN CAST(:pfpUrl AS text) IS NULL THEN pfp_url ELSE NULLIF(:pfpUrl, '') END,"
                        + " updated_at = :now WHERE id = :id")
                .param("id", id)
                .param("fid", profile.fid())
                .param("username", profile.username())
                .param("displayName", profile.displayName())
                .param("pfpUrl", profile.pfpUrl())
                .param("now", now.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** Links {@code address} to {@code userId}, or refreshes its verification time if it already is. */
    void linkWallet(String address, long userId, Instant now) {
        jdbc.sql("INSERT INTO wallets (address, user_id, verified_at) VALUES (:address, :userId, :now)"
                        + " ON CONFLICT (address) DO UPDATE SET verified_at = EXCLUDED.verified_at"
                        + " WHERE wallets.user_id = EXCLUDED.user_id")
                .param("address", address)
                .param("userId", userId)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .update();
    }

    Optional<UserView> findByFid(long fid) {
        return jdbc.sql("SELECT id, fid, username, display_name, pfp_url, created_at, updated_at FROM users"
                        + " WHERE fid = :fid")
                .param("fid", fid)
                .query((rs, n) -> new UserView(
                        rs.getLong("fid"),
                        rs.getString("username"),
                        rs.getString("display_name"),
                        rs.getString("pfp_url"),
                        wallets(rs.getLong("id")),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
                .optional();
    }

    Optional<UserView> findById(long id) {
        return jdbc.sql("SELECT fid FROM users WHERE id = :id")
                .param("id", id)
                .query(Long.class)
                .optional()
                .flatMap(this::findByFid);
    }

    private List<UserView.WalletView> wallets(long userId) {
        return jdbc.sql(
                        "SELECT address, verified_at FROM wallets WHERE user_id = :userId ORDER BY verified_at, address")
                .param("userId", userId)
                .query((rs, n) -> new UserView.WalletView(
                        rs.getString("address"),
                        rs.getObject("verified_at", OffsetDateTime.class).toInstant()))
                .list();
    }
}
