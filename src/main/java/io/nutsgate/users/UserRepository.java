package io.nutsgate.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class UserRepository {

    private static final String COLUMNS =
            "id, fid, fid_verified, username, display_name, pfp_url, created_at," + " updated_at";

    /** A user's fid and whether a verified source (Quick Auth) set it. */
    record Fid(long userId, Long fid, boolean verified) {}

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

    /** The user holding {@code fid}, verified or typed. */
    Optional<Fid> holderOfFid(long fid) {
        return jdbc.sql("SELECT id, fid, fid_verified FROM users WHERE fid = :fid")
                .param("fid", fid)
                .query((rs, n) ->
                        new Fid(rs.getLong("id"), rs.getObject("fid", Long.class), rs.getBoolean("fid_verified")))
                .optional();
    }

    Fid fidOf(long userId) {
        return jdbc.sql("SELECT id, fid, fid_verified FROM users WHERE id = :id")
                .param("id", userId)
                .query((rs, n) ->
                        new Fid(rs.getLong("id"), rs.getObject("fid", Long.class), rs.getBoolean("fid_verified")))
                .single();
    }

    /** A user without a fid (signed in with a wallet only); its fid can only come from Quick Auth. */
    long insertUser(ProfileRequest profile, Instant now) {
        return jdbc.sql("INSERT INTO users (fid, fid_verified, username, display_name, pfp_url, created_at, updated_at)"
                        + " VALUES (NULL, false, :username, NULLIF(:displayName, ''), NULLIF(:pfpUrl, ''), :now, :now)"
                        + " RETURNING id")
                .param("username", profile.username())
                .param("displayName", profile.displayName())
                .param("pfpUrl", profile.pfpUrl())
                .param("now", now.atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }

    /** The user of a fid that Quick Auth verified, with no names yet. */
    long insertVerifiedUser(long fid, Instant now) {
        return jdbc.sql("INSERT INTO users (fid, fid_verified, created_at, updated_at) VALUES (:fid, true, :now, :now)"
                        + " RETURNING id")
                .param("fid", fid)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }

    /** Takes a typed (unverified) fid off its user, for the user that verified it. */
    void dropUnverifiedFid(long userId, Instant now) {
        jdbc.sql("UPDATE users SET fid = NULL, updated_at = :now WHERE id = :id AND NOT fid_verified")
                .param("id", userId)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** The names; optional fields that are null keep their value, empty ones clear it. The fid is not touched. */
    void updateUser(long id, ProfileRequest profile, Instant now) {
        jdbc.sql("UPDATE users SET username = :username,"
                        + " display_name = CASE WHEN CAST(:displayName AS text) IS NULL THEN display_name"
                        + " ELSE NULLIF(:displayName, '') END,"
                        + " pfp_url = CASE WHEN CAST(:pfpUrl AS text) IS NULL THEN pfp_url ELSE NULLIF(:pfpUrl, '') END,"
                        + " updated_at = :now WHERE id = :id")
                .param("id", id)
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
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE fid = :fid")
                .param("fid", fid)
                .query(this::view)
                .optional();
    }

    Optional<UserView> findById(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .param("id", id)
                .query(this::view)
                .optional();
    }

    private UserView view(ResultSet rs, int row) throws SQLException {
        return new UserView(
                rs.getObject("fid", Long.class),
                rs.getBoolean("fid_verified"),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getString("pfp_url"),
                wallets(rs.getLong("id")),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
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
