package io.nutsgate.dashboard;

import io.nutsgate.protocol.Deployment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Aggregates over {@code trades}; one fill = one (entry tx hash, option address), whatever rows it has. */
@Repository
class DashboardRepository {

    /** One row per fill: the trades table keeps a row per (fill, wallet, side). */
    private static final String FILLS = "(SELECT DISTINCT ON (entry_tx_hash, option_address) entry_tx_hash,"
            + " option_address, underlying, product, collateral_token, collateral_symbol, collateral_decimals,"
            + " premium, fee, created_at FROM trades WHERE created_at >= :from"
            + " ORDER BY entry_tx_hash, option_address) fills";

    record RevenueRow(LocalDate day, Deployment.Token collateral, long trades, BigInteger volume, BigInteger fees) {}

    record ProductRow(String underlying, String product, Deployment.Token collateral, long trades, BigInteger volume) {}

    record TradersRow(LocalDate day, long traders, long trades) {}

    record PayoutRow(LocalDate day, Deployment.Token collateral, long settled, long inTheMoney, BigInteger payouts) {}

    private final JdbcClient jdbc;

    DashboardRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<RevenueRow> revenuePerDay(Instant from) {
        return jdbc.sql("SELECT (created_at AT TIME ZONE 'UTC')::date AS day, collateral_token,"
                        + " max(collateral_symbol) AS symbol, max(collateral_decimals) AS decimals, count(*) AS trades,"
                        + " sum(premium) AS volume, sum(fee) AS fees FROM " + FILLS
                        + " GROUP BY day, collateral_token ORDER BY day, collateral_token")
                .param("from", java.sql.Timestamp.from(from))
                .query((rs, n) -> new RevenueRow(
                        rs.getObject("day", LocalDate.class),
                        collateral(rs),
                        rs.getLong("trades"),
                        integer(rs, "volume"),
                        integer(rs, "fees")))
                .list();
    }

    List<ProductRow> volumeByProduct(Instant from) {
        return jdbc.sql("SELECT underlying, product, collateral_token, max(collateral_symbol) AS symbol,"
                        + " max(collateral_decimals) AS decimals, count(*) AS trades, sum(premium) AS volume FROM "
                        + FILLS + " GROUP BY underlying, product, collateral_token"
                        + " ORDER BY underlying NULLS LAST, product NULLS LAST, collateral_token")
                .param("from", java.sql.Timestamp.from(from))
                .query((rs, n) -> new ProductRow(
                        rs.getString("underlying"),
                        rs.getString("product"),
                        collateral(rs),
                        rs.getLong("trades"),
                        integer(rs, "volume")))
                .list();
    }

    List<TradersRow> tradersPerDay(Instant from) {
        return jdbc.sql("SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(DISTINCT wallet) AS traders,"
                        + " count(DISTINCT (entry_tx_hash, option_address)) AS trades FROM trades"
                        + " WHERE created_at >= :from GROUP BY day ORDER BY day")
                .param("from", java.sql.Timestamp.from(from))
                .query((rs, n) -> new TradersRow(
                        rs.getObject("day", LocalDate.class), rs.getLong("traders"), rs.getLong("trades")))
                .list();
    }

    /** Options of our trades settled per UTC day of settlement: how many, how many paid, what they paid buyers. */
    List<PayoutRow> payoutsPerDay(Instant from) {
        return jdbc.sql("SELECT (settled_at AT TIME ZONE 'UTC')::date AS day, collateral_token,"
                        + " max(collateral_symbol) AS symbol, max(collateral_decimals) AS decimals, count(*) AS settled,"
                        + " count(*) FILTER (WHERE payout > 0) AS itm, sum(payout) AS payouts FROM"
                        + " (SELECT DISTINCT ON (option_address) option_address, settled_at, collateral_token,"
                        + " collateral_symbol, collateral_decimals, payout FROM trades WHERE status = 'SETTLED'"
                        + " AND settled_at >= :from AND payout IS NOT NULL ORDER BY option_address) options"
                        + " GROUP BY day, collateral_token ORDER BY day, collateral_token")
                .param("from", java.sql.Timestamp.from(from))
                .query((rs, n) -> new PayoutRow(
                        rs.getObject("day", LocalDate.class),
                        collateral(rs),
                        rs.getLong("settled"),
                        rs.getLong("itm"),
                        integer(rs, "payouts")))
                .list();
    }

    private static Deployment.Token collateral(ResultSet rs) throws SQLException {
        return new Deployment.Token(rs.getString("symbol"), rs.getString("collateral_token"), rs.getInt("decimals"));
    }

    private static BigInteger integer(ResultSet rs, String column) throws SQLException {
        BigDecimal value = rs.getBigDecimal(column);
        return value == null ? BigInteger.ZERO : value.toBigIntegerExact();
    }
}
