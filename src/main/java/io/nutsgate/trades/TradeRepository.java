package io.nutsgate.trades;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The trades table and the per-wallet totals derived from it. */
@Repository
class TradeRepository {

    private static final String TRADE_COLUMNS = "id, entry_tx_hash, option_address, wallet, side, status, underlying,"
            + " product, is_call, strikes, expiry, collateral_token, collateral_symbol, collateral_decimals, premium,"
            + " fee, contracts, collateral, settlement_price, payout, pnl, referrer, created_at, settled_at";

    /** How far before the previous refresh a sync may have stamped rows it committed after that refresh. */
    private static final java.time.Duration DAILY_MARGIN = java.time.Duration.ofMinutes(5);

    /** Above this many changed days the daily rollup is rebuilt in one pass (about 1 s per million trades). */
    private static final int MAX_DAYS_ONE_BY_ONE = 7;

    private final JdbcClient jdbc;

    TradeRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Serialises the syncs of one wallet until the transaction ends, across instances. */
    void lockWallet(String wallet) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 4))")
                .param("key", "trades:" + wallet)
                .query((rs, n) -> 1)
                .single();
    }

    /**
     * Inserts the fill, or updates the row of the same (entry tx hash, option address) when it belongs to the
     * same wallet and the change moves forward: a final status (SETTLED, CLOSED) is never replaced by OPEN or
     * EXPIRED from a lagging list. Returns 1 when a row was written.
     */
    int upsert(Fill fill, Instant now) {
        return jdbc.sql(
                        """
                        INSERT INTO trades (entry_tx_hash, option_address, wallet, side, status, underlying, product,
                            is_call, strikes, expiry, collateral_token, collateral_symbol, collateral_decimals, premium,
                            fee, contracts, collateral, settlement_price, payout, pnl, referrer, created_at, settled_at,
                            updated_at)
                        VALUES (:txHash, :option, :wallet, :side, :status, :underlying, :product, :isCall,
                            CAST(:strikes AS numeric[]), :expiry, :collateralToken, :collateralSymbol,
                            :collateralDecimals, :premium, :fee, :contracts, :collateral, :settlementPrice, :payout,
                            :pnl, :referrer, :createdAt, :settledAt, :now)
                        ON CONFLICT (entry_tx_hash, option_address) DO UPDATE SET
                            status = EXCLUDED.status,
                            underlying = EXCLUDED.underlying,
                            product = EXCLUDED.product,
                            is_call = EXCLUDED.is_call,
                            settlement_price = EXCLUDED.settlement_price,
                            payout = EXCLUDED.payout,
                            pnl = EXCLUDED.pnl,
                            settled_at = COALESCE(trades.settled_at, EXCLUDED.settled_at),
                            updated_at = EXCLUDED.updated_at
                        WHERE trades.wallet = EXCLUDED.wallet
                          AND (trades.status IN ('OPEN', 'EXPIRED') OR EXCLUDED.status IN ('SETTLED', 'CLOSED'))
                          AND (trades.status, trades.underlying, trades.product, trades.is_call,
                               trades.settlement_price, trades.payout, trades.pnl)
                              IS DISTINCT FROM
                              (EXCLUDED.status, EXCLUDED.underlying, EXCLUDED.product, EXCLUDED.is_call,
                               EXCLUDED.settlement_price, EXCLUDED.payout, EXCLUDED.pnl)
                        """)
                .param("txHash", fill.entryTxHash())
                .param("option", fill.optionAddress())
                .param("wallet", fill.wallet())
                .param("side", fill.side().name())
                .param("status", fill.status().name())
                .param("underlying", fill.underlying())
                .param("product", fill.product())
                .param("isCall", fill.isCall())
                .param(
                        "strikes",
                        fill.strikes().stream().map(BigInteger::toString).collect(Collectors.joining(",", "{", "}")))
                .param("expiry", utc(fill.expiry()))
                .param("collateralToken", fill.collateralToken())
                .param("collateralSymbol", fill.collateralSymbol())
                .param("collateralDecimals", fill.collateralDecimals())
                .param("premium", numeric(fill.premium()))
                .param("fee", numeric(fill.fee()))
                .param("contracts", numeric(fill.contracts()))
                .param("collateral", numeric(fill.collateral()))
                .param("settlementPrice", numeric(fill.settlementPrice()))
                .param("payout", numeric(fill.payout()))
                .param("pnl", numeric(fill.pnl()))
                .param("referrer", fill.referrer())
                .param("createdAt", utc(fill.createdAt()))
                .param("settledAt", utc(fill.settledAt()))
                .param("now", utc(now))
                .update();
    }

    /** Recomputes the wallet's totals per collateral token from its trades. */
    void refreshTotals(String wallet, Instant now) {
        jdbc.sql(
                        """
                        INSERT INTO trader_totals (wallet, collateral_token, collateral_symbol, collateral_decimals,
                            trades, open_trades, volume, fees, realised_pnl, updated_at)
                        SELECT wallet, collateral_token, max(collateral_symbol), max(collateral_decimals), count(*),
                            count(*) FILTER (WHERE status IN ('OPEN', 'EXPIRED')), sum(premium), sum(fee),
                            coalesce(sum(pnl) FILTER (WHERE status IN ('SETTLED', 'CLOSED')), 0), :now
                        FROM trades WHERE wallet = :wallet
                        GROUP BY wallet, collateral_token
                        ON CONFLICT (wallet, collateral_token) DO UPDATE SET
                            collateral_symbol = EXCLUDED.collateral_symbol,
                            collateral_decimals = EXCLUDED.collateral_decimals,
                            trades = EXCLUDED.trades,
                            open_trades = EXCLUDED.open_trades,
                            volume = EXCLUDED.volume,
                            fees = EXCLUDED.fees,
                            realised_pnl = EXCLUDED.realised_pnl,
                            updated_at = EXCLUDED.updated_at
                        """)
                .param("wallet", wallet)
                .param("now", utc(now))
                .update();
    }

    /** Records that {@code address} was active, so the scheduled sync follows it. */
    void markSeen(String address, Instant now) {
        jdbc.sql("INSERT INTO wallet_activity (address, last_seen_at) VALUES (:address, :now)"
                        + " ON CONFLICT (address) DO UPDATE SET last_seen_at ="
                        + " greatest(wallet_activity.last_seen_at, EXCLUDED.last_seen_at)")
                .param("address", address)
                .param("now", utc(now))
                .update();
    }

    void markSynced(String address, Instant now) {
        jdbc.sql("INSERT INTO wallet_activity (address, last_seen_at, last_synced_at) VALUES (:address, :now, :now)"
                        + " ON CONFLICT (address) DO UPDATE SET last_synced_at = EXCLUDED.last_synced_at")
                .param("address", address)
                .param("now", utc(now))
                .update();
    }

    /** Wallets seen since {@code since}, the longest unsynced first. */
    List<String> activeWallets(Instant since, int limit) {
        return jdbc.sql("SELECT address FROM wallet_activity WHERE last_seen_at >= :since"
                        + " ORDER BY last_synced_at NULLS FIRST, address LIMIT :limit")
                .param("since", utc(since))
                .param("limit", limit)
                .query(String.class)
                .list();
    }

    /** A page of the wallet's trades, newest first, after the {@code after} position when given. */
    List<StoredTrade> page(String wallet, TradeStatus status, Cursor after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + TRADE_COLUMNS + " FROM trades WHERE wallet = :wallet");
        if (status != null) {
            sql.append(" AND status = :status");
        }
        if (after != null) {
            sql.append(" AND (created_at, id) < (:createdAt, :id)");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        JdbcClient.StatementSpec statement =
                jdbc.sql(sql.toString()).param("wallet", wallet).param("limit", limit);
        if (status != null) {
            statement = statement.param("status", status.name());
        }
        if (after != null) {
            statement = statement.param("createdAt", utc(after.createdAt())).param("id", after.id());
        }
        return statement.query((rs, n) -> trade(rs)).list();
    }

    List<TotalsRow> totals(String wallet) {
        return jdbc.sql("SELECT collateral_token, collateral_symbol, collateral_decimals, trades, open_trades, volume,"
                        + " fees, realised_pnl FROM trader_totals WHERE wallet = :wallet ORDER BY collateral_token")
                .param("wallet", wallet)
                .query((rs, n) -> new TotalsRow(
                        rs.getString("collateral_token"),
                        rs.getString("collateral_symbol"),
                        rs.getInt("collateral_decimals"),
                        rs.getLong("trades"),
                        rs.getLong("open_trades"),
                        integer(rs, "volume"),
                        integer(rs, "fees"),
                        integer(rs, "realised_pnl")))
                .list();
    }

    /** Symbol and decimals of a collateral token as the trades recorded them. */
    Optional<TradeView.Collateral> collateral(String token) {
        return jdbc.sql("SELECT collateral_symbol, collateral_decimals FROM trader_totals"
                        + " WHERE collateral_token = :token ORDER BY volume DESC LIMIT 1")
                .param("token", token)
                .query((rs, n) -> new TradeView.Collateral(
                        token, rs.getString("collateral_symbol"), rs.getInt("collateral_decimals")))
                .optional();
    }

    List<RankRow> leaderboardAllTime(String token, LeaderboardMetric metric, int limit) {
        String column = metric == LeaderboardMetric.VOLUME ? "volume" : "realised_pnl";
        return jdbc.sql("SELECT r.wallet, r.value, r.trades, u.fid, u.username, u.display_name, u.pfp_url FROM ("
                        + " SELECT wallet, " + column + " AS value, trades FROM trader_totals"
                        + " WHERE collateral_token = :token ORDER BY " + column + " DESC, wallet LIMIT :limit) r"
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
        return jdbc.sql("SELECT r.wallet, r.value, r.trades, u.fid, u.username, u.display_name, u.pfp_url FROM ("
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
     * transaction (readers see either set, never a mix). Returns false, doing nothing, while another instance is
     * refreshing. Call inside a transaction.
     */
    boolean refreshWindows(Instant now) {
        boolean locked = jdbc.sql("SELECT pg_try_advisory_xact_lock(hashtextextended('trader_window_totals', 4))")
                .query(Boolean.class)
                .single();
        if (!locked) {
            return false;
        }
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
                .param("since7", utc(now.minus(java.time.Duration.ofDays(7))))
                .param("since30", utc(now.minus(java.time.Duration.ofDays(30))))
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
        return true;
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
                + " max(collateral_symbol), max(collateral_decimals), count(*), sum(premium), sum(fee) FROM trades";
        String group = " GROUP BY 1, underlying, product, collateral_token";
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
            jdbc.sql(aggregate + group).update();
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
                        new TradeView.Collateral(
                                rs.getString("collateral_token"), rs.getString("symbol"), rs.getInt("decimals")),
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

    /** A trade row as stored, with its id for the keyset cursor. */
    record StoredTrade(long id, Fill fill) {}

    record TotalsRow(
            String token,
            String symbol,
            int decimals,
            long trades,
            long openTrades,
            BigInteger volume,
            BigInteger fees,
            BigInteger realisedPnl) {}

    record RankRow(
            String wallet,
            BigInteger value,
            long trades,
            Long fid,
            String username,
            String displayName,
            String pfpUrl) {}

    record ProductRow(
            String underlying,
            String product,
            TradeView.Collateral collateral,
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
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getString("pfp_url"));
    }

    private static StoredTrade trade(ResultSet rs) throws SQLException {
        Array strikesArray = rs.getArray("strikes");
        List<BigInteger> strikes = new ArrayList<>();
        for (Object strike : (Object[]) strikesArray.getArray()) {
            strikes.add(((BigDecimal) strike).toBigIntegerExact());
        }
        Object isCall = rs.getObject("is_call");
        return new StoredTrade(
                rs.getLong("id"),
                new Fill(
                        rs.getString("entry_tx_hash"),
                        rs.getString("option_address"),
                        rs.getString("wallet"),
                        Side.valueOf(rs.getString("side")),
                        TradeStatus.valueOf(rs.getString("status")),
                        rs.getString("underlying"),
                        rs.getString("product"),
                        (Boolean) isCall,
                        List.copyOf(strikes),
                        instant(rs, "expiry"),
                        rs.getString("collateral_token"),
                        rs.getString("collateral_symbol"),
                        rs.getInt("collateral_decimals"),
                        integer(rs, "premium"),
                        integer(rs, "fee"),
                        integer(rs, "contracts"),
                        integer(rs, "collateral"),
                        integer(rs, "settlement_price"),
                        integer(rs, "payout"),
                        integer(rs, "pnl"),
                        rs.getString("referrer"),
                        instant(rs, "created_at"),
                        instant(rs, "settled_at")));
    }

    private static BigInteger integer(ResultSet rs, String column) throws SQLException {
        BigDecimal value = rs.getBigDecimal(column);
        return value == null ? null : value.toBigIntegerExact();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static BigDecimal numeric(BigInteger value) {
        return value == null ? null : new BigDecimal(value);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
