package io.nutsgate.leaderboard;

import static io.nutsgate.common.SqlValues.instant;
import static io.nutsgate.common.SqlValues.integer;
import static io.nutsgate.common.SqlValues.utc;

import io.nutsgate.protocol.Deployment;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads the rankings and the referrer rollup, and recomputes the tables derived from {@code trades} for them:
 * {@code trader_window_totals}, {@code referrer_daily} and {@code trader_window_state}. The all-time totals
 * ({@code trader_totals}) are kept by the trade sync itself.
 */
@Repository
class LeaderboardRepository {

    /** How far before the previous refresh a sync may have stamped rows it committed after that refresh. */
    private static final Duration DAILY_MARGIN = Duration.ofMinutes(5);

    /** Above this many changed days the daily rollup is rebuilt in one pass (about 1 s per million trades). */
    private static final int MAX_DAYS_ONE_BY_ONE = 7;

    private final JdbcClient jdbc;

    LeaderboardRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Symbol and decimals of a collateral token as the trades recorded them. */
    Optional<Deployment.Token> collateral(String token) {
        return jdbc.sql("SELECT collateral_symbol, collateral_decimals FROM trader_totals"
                        + " WHERE collateral_token = :token ORDER BY volume DESC LIMIT 1")
                .param("token", token)
                .query((rs, n) -> new Deployment.Token(
                        rs.getString("collateral_symbol"), token, rs.getInt("collateral_decimals")))
                .optional();
    }

    List<RankRow> leaderboardAllTime(String token, LeaderboardMetric metric, int limit) {
        String column = metric == LeaderboardMetric.VOLUME ? "volume" : "realised_pnl";
        return jdbc.sql(
                        "SELECT r.wallet, r.value, r.trades, u.fid, u.fid_verified, u.username, u.display_name, u.pfp_url FROM ("
                                + " SELECT wallet, " + column + " AS value, trades FROM trader_totals"
                                + " WHERE collateral_token = :token ORDER BY " + column
                                + " DESC, wallet LIMIT :limit) r"
                                + " LEFT JOIN wallets w ON w.address = r.wallet LEFT JOIN users u ON u.id = w.user_id"
                                + " ORDER BY r.value DESC, r.wallet")
                .param("token", token)
                .param("limit", limit)
                .query((rs, n) -> rank(rs))
                .list();
    }

    /** The top wallets of a rolling window from {@code trader_window_totals} (see {@link #refreshWindows}). */
    List<RankRow> leaderboardWindow(String token, LeaderboardMetric metric, int days, int limit) {
        String ranked = metric == LeaderboardMetric.VOLUME
                ? "SELECT wallet, volume AS value, volume_trades AS trades FROM trader_window_totals"
                        + " WHERE window_days = :days AND collateral_token = :token AND volume_trades > 0"
                        + " ORDER BY volume DESC, wallet LIMIT :limit"
                : "SELECT wallet, realised_pnl AS value, pnl_trades AS trades FROM trader_window_totals"
                        + " WHERE window_days = :days AND collateral_token = :token AND pnl_trades > 0"
                        + " ORDER BY realised_pnl DESC, wallet LIMIT :limit";
        return jdbc.sql(
                        "SELECT r.wallet, r.value, r.trades, u.fid, u.fid_verified, u.username, u.display_name, u.pfp_url FROM ("
                                + ranked + ") r"
                                + " LEFT JOIN wallets w ON w.address = r.wallet LEFT JOIN users u ON u.id = w.user_id"
                                + " ORDER BY r.value DESC, r.wallet")
                .param("days", days)
                .param("token", token)
                .param("limit", limit)
                .query((rs, n) -> rank(rs))
                .list();
    }

    /**
     * Recomputes the 7 and 30 day totals of every wallet as of {@code now}, replacing the previous ones in the same
     * transaction (readers see either set, never a mix). Call inside a transaction, on one instance at a time
     * ({@link LeaderboardWindows} holds the job's lock).
     */
    void refreshWindows(Instant now) {
        jdbc.sql("DELETE FROM trader_window_totals").update();
        jdbc.sql(
                        """
                        INSERT INTO trader_window_totals (window_days, collateral_token, wallet, volume, volume_trades,
                            realised_pnl, pnl_trades)
                        SELECT d.days, x.collateral_token, x.wallet,
                            coalesce(sum(x.premium) FILTER (WHERE x.kind = 'v'), 0),
                            count(*) FILTER (WHERE x.kind = 'v'),
                            coalesce(sum(x.pnl) FILTER (WHERE x.kind = 'p'), 0),
                            count(*) FILTER (WHERE x.kind = 'p')
                        FROM (
                            SELECT 'v' AS kind, collateral_token, wallet, premium, NULL::numeric AS pnl, created_at AS at
                            FROM trades WHERE created_at >= :since30
                            UNION ALL
                            SELECT 'p', collateral_token, wallet, NULL, pnl, settled_at
                            FROM trades WHERE settled_at >= :since30 AND pnl IS NOT NULL
                        ) x
                        JOIN (VALUES (7, CAST(:since7 AS timestamptz)), (30, CAST(:since30 AS timestamptz))) d (days, since)
                            ON x.at >= d.since
                        GROUP BY d.days, x.collateral_token, x.wallet
                        """)
                .param("since7", utc(now.minus(Duration.ofDays(7))))
                .param("since30", utc(now.minus(Duration.ofDays(30))))
                .update();
        refreshDaily(windowsComputedAt().map(previous -> previous.minus(DAILY_MARGIN)));
        jdbc.sql(
                        """
                        INSERT INTO trader_window_state (id, computed_at, traders_7d, traders_30d, traders_all)
                        SELECT true, :now,
                            (SELECT count(DISTINCT wallet) FROM trader_window_totals
                             WHERE window_days = 7 AND volume_trades > 0),
                            (SELECT count(DISTINCT wallet) FROM trader_window_totals
                             WHERE window_days = 30 AND volume_trades > 0),
                            (SELECT count(DISTINCT wallet) FROM trader_totals)
                        ON CONFLICT (id) DO UPDATE SET computed_at = EXCLUDED.computed_at,
                            traders_7d = EXCLUDED.traders_7d, traders_30d = EXCLUDED.traders_30d,
                            traders_all = EXCLUDED.traders_all
                        """)
                .param("now", utc(now))
                .update();
    }

    /** When the window totals were last computed; empty before the first refresh. */
    Optional<Instant> windowsComputedAt() {
        return jdbc.sql("SELECT computed_at FROM trader_window_state")
                .query((rs, n) -> instant(rs, "computed_at"))
                .optional();
    }

    /**
     * Recomputes {@code referrer_daily} for every UTC day with a trade changed since {@code changedSince}, or for all
     * days when empty or more than a week of days changed. Run in the refresh transaction (repeatable read: one
     * snapshot for every statement).
     */
    private void refreshDaily(Optional<Instant> changedSince) {
        String aggregate = "INSERT INTO referrer_daily (day, underlying, product, collateral_token, collateral_symbol,"
                + " collateral_decimals, trades, volume, fees)"
                + " SELECT (created_at AT TIME ZONE 'UTC')::date, underlying, product, collateral_token,"
                + " max(collateral_symbol), max(collateral_decimals), count(*), sum(premium), sum(fee) FROM trades t";
        // One row per fill: when its buyer and seller are both followed wallets a fill has two trades rows.
        String group = " AND (side = 'BUYER' OR NOT EXISTS (SELECT 1 FROM trades b WHERE b.entry_tx_hash ="
                + " t.entry_tx_hash AND b.option_address = t.option_address AND b.side = 'BUYER'))"
                + " GROUP BY 1, underlying, product, collateral_token";
        List<LocalDate> days = changedSince
                .map(since -> jdbc.sql("SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date AS day FROM trades"
                                + " WHERE updated_at >= :since ORDER BY day")
                        .param("since", utc(since))
                        .query((rs, n) -> rs.getObject("day", LocalDate.class))
                        .list())
                .orElse(null);
        if (days == null || days.size() > MAX_DAYS_ONE_BY_ONE) {
            // First refresh, or a backfill: one pass over all trades is cheaper than many day by day.
            jdbc.sql("DELETE FROM referrer_daily").update();
            jdbc.sql(aggregate + " WHERE true" + group).update();
            return;
        }
        for (LocalDate day : days) {
            OffsetDateTime start = day.atStartOfDay().atOffset(ZoneOffset.UTC);
            jdbc.sql("DELETE FROM referrer_daily WHERE day = :day")
                    .param("day", day)
                    .update();
            jdbc.sql(aggregate + " WHERE created_at >= :start AND created_at < :end" + group)
                    .param("start", start)
                    .param("end", start.plusDays(1))
                    .update();
        }
    }

    /** Volume and fees by underlying, product and collateral token over the days from {@code firstDay} on. */
    List<ProductRow> dailyByProduct(LocalDate firstDay) {
        return jdbc.sql("SELECT underlying, product, collateral_token, max(collateral_symbol) AS symbol,"
                        + " max(collateral_decimals) AS decimals, sum(trades) AS trades, sum(volume) AS volume,"
                        + " sum(fees) AS fees FROM referrer_daily WHERE day >= :firstDay"
                        + " GROUP BY underlying, product, collateral_token"
                        + " ORDER BY underlying NULLS LAST, product NULLS LAST, collateral_token")
                .param("firstDay", firstDay)
                .query((rs, n) -> new ProductRow(
                        rs.getString("underlying"),
                        rs.getString("product"),
                        new Deployment.Token(
                                rs.getString("symbol"), rs.getString("collateral_token"), rs.getInt("decimals")),
                        rs.getLong("trades"),
                        integer(rs, "volume"),
                        integer(rs, "fees")))
                .list();
    }

    List<ReferrerSummaryView.DailyTrades> dailyTrades(LocalDate firstDay) {
        return jdbc.sql("SELECT day, sum(trades) AS trades FROM referrer_daily WHERE day >= :firstDay"
                        + " GROUP BY day ORDER BY day")
                .param("firstDay", firstDay)
                .query((rs, n) ->
                        new ReferrerSummaryView.DailyTrades(rs.getObject("day", LocalDate.class), rs.getLong("trades")))
                .list();
    }

    /**
     * Wallets that entered a trade within the window ({@code days} 7 or 30), or ever ({@code days} 0), as of the last
     * refresh.
     */
    long uniqueTraders(int days) {
        String column = days == 7 ? "traders_7d" : days == 30 ? "traders_30d" : "traders_all";
        return jdbc.sql("SELECT " + column + " FROM trader_window_state")
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    record RankRow(
            String wallet,
            BigInteger value,
            long trades,
            Long fid,
            boolean fidVerified,
            String username,
            String displayName,
            String pfpUrl) {}

    record ProductRow(
            String underlying,
            String product,
            Deployment.Token collateral,
            long trades,
            BigInteger volume,
            BigInteger fees) {}

    private static RankRow rank(ResultSet rs) throws SQLException {
        long fid = rs.getLong("fid");
        Long linkedFid = rs.wasNull() ? null : fid;
        return new RankRow(
                rs.getString("wallet"),
                integer(rs, "value"),
                rs.getLong("trades"),
                linkedFid,
                rs.getBoolean("fid_verified"),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getString("pfp_url"));
    }
}
