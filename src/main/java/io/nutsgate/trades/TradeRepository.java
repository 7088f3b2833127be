package io.nutsgate.trades;

import static io.nutsgate.common.SqlValues.instant;
import static io.nutsgate.common.SqlValues.integer;
import static io.nutsgate.common.SqlValues.numeric;
import static io.nutsgate.common.SqlValues.utc;

import io.nutsgate.optionmath.Side;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The trades table and the per-wallet totals derived from it. */
@Repository
class TradeRepository {

    private static final String TRADE_COLUMNS = "id, entry_tx_hash, option_address, wallet, side, status, underlying,"
            + " product, is_call, strikes, expiry, collateral_token, collateral_symbol, collateral_decimals, premium,"
            + " fee, contracts, collateral, settlement_price, payout, pnl, referrer, created_at, settled_at, referral_fee,"
            + " confirmation, collateral_returned, lifecycle_tx_hash, transferred_to, transferred_from, split_contracts,"
            + " split_collateral, split_premium, split_fee, split_from";

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
     * Inserts the trade, or updates the row of the same (entry tx hash, option address, wallet, side) when the
     * change moves forward: a final status (SETTLED, CLOSED) is never replaced by OPEN or EXPIRED from a lagging
     * list. Strikes are stored as the indexer sent them. With {@code chainWins} (our chain reader runs), a row whose
     * lifecycle the chain reader has set keeps the chain's figures. Returns 1 when a row was written.
     */
    int upsert(Trade trade, boolean chainWins, Instant now) {
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
                        ON CONFLICT (entry_tx_hash, option_address, wallet, side) DO UPDATE SET
                            status = EXCLUDED.status,
                            underlying = COALESCE(EXCLUDED.underlying, trades.underlying),
                            product = COALESCE(EXCLUDED.product, trades.product),
                            is_call = COALESCE(EXCLUDED.is_call, trades.is_call),
                            settlement_price = EXCLUDED.settlement_price,
                            payout = EXCLUDED.payout,
                            pnl = EXCLUDED.pnl,
                            settled_at = COALESCE(trades.settled_at, EXCLUDED.settled_at),
                            updated_at = EXCLUDED.updated_at
                        WHERE (trades.status IN ('OPEN', 'EXPIRED', 'SETTLEMENT_FAILED')
                                OR EXCLUDED.status IN ('SETTLED', 'CLOSED'))
                          AND (trades.lifecycle_block IS NULL OR NOT :chainWins)
                          AND (trades.status, trades.underlying, trades.product, trades.is_call,
                               trades.settlement_price, trades.payout, trades.pnl)
                              IS DISTINCT FROM
                              (EXCLUDED.status, COALESCE(EXCLUDED.underlying, trades.underlying),
                               COALESCE(EXCLUDED.product, trades.product), COALESCE(EXCLUDED.is_call, trades.is_call),
                               EXCLUDED.settlement_price, EXCLUDED.payout, EXCLUDED.pnl)
                        """)
                .param("txHash", trade.entryTxHash())
                .param("option", trade.optionAddress())
                .param("wallet", trade.wallet())
                .param("side", trade.side().name())
                .param("status", trade.status().name())
                .param("underlying", trade.underlying())
                .param("product", trade.product())
                .param("isCall", trade.isCall())
                .param(
                        "strikes",
                        trade.strikes().stream().map(BigInteger::toString).collect(Collectors.joining(",", "{", "}")))
                .param("expiry", utc(trade.expiry()))
                .param("collateralToken", trade.collateralToken())
                .param("collateralSymbol", trade.collateralSymbol())
                .param("collateralDecimals", trade.collateralDecimals())
                .param("premium", numeric(trade.premium()))
                .param("fee", numeric(trade.fee()))
                .param("contracts", numeric(trade.contracts()))
                .param("collateral", numeric(trade.collateral()))
                .param("settlementPrice", numeric(trade.settlementPrice()))
                .param("payout", numeric(trade.payout()))
                .param("pnl", numeric(trade.pnl()))
                .param("referrer", trade.referrer())
                .param("createdAt", utc(trade.createdAt()))
                .param("settledAt", utc(trade.settledAt()))
                .param("now", utc(now))
                .param("chainWins", chainWins)
                .update();
    }

    /** Keeps what the Thetanuts indexer says of a settled trade beside the row's own figures, to compare them. */
    void recordNutsSettlement(Trade trade) {
        if (trade.status() != TradeStatus.SETTLED) {
            return;
        }
        jdbc.sql("UPDATE trades SET nuts_settlement_price = :price, nuts_payout = :payout WHERE entry_tx_hash = :tx"
                        + " AND option_address = :option AND wallet = :wallet AND side = :side"
                        + " AND (nuts_settlement_price, nuts_payout) IS DISTINCT FROM"
                        + " (CAST(:price AS numeric), CAST(:payout AS numeric))")
                .param("price", numeric(trade.settlementPrice()))
                .param("payout", numeric(trade.payout()))
                .param("tx", trade.entryTxHash())
                .param("option", trade.optionAddress())
                .param("wallet", trade.wallet())
                .param("side", trade.side().name())
                .update();
    }

    /** Recomputes the wallet's totals per collateral token from its trades. */
    void refreshTotals(String wallet, Instant now) {
        jdbc.sql(
                        """
                        INSERT INTO trader_totals (wallet, collateral_token, collateral_symbol, collateral_decimals,
                            trades, open_trades, volume, fees, realised_pnl, updated_at)
                        SELECT wallet, collateral_token, max(collateral_symbol), max(collateral_decimals), count(*),
                            count(*) FILTER (WHERE status IN ('OPEN', 'EXPIRED', 'SETTLEMENT_FAILED')), sum(premium), sum(fee),
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

    /** Records the sync of a followed wallet; a wallet not followed (see {@link #markSeen}) gets no row. */
    void markSynced(String address, Instant now) {
        jdbc.sql("UPDATE wallet_activity SET last_synced_at = :now WHERE address = :address")
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

    /** The profile {@code wallet} is linked to, if any. */
    java.util.Optional<TradePage.Trader> trader(String wallet) {
        return jdbc.sql("SELECT u.fid, u.fid_verified, u.username, u.display_name, u.pfp_url FROM wallets w"
                        + " JOIN users u ON u.id = w.user_id WHERE w.address = :wallet")
                .param("wallet", wallet)
                .query((rs, n) -> new TradePage.Trader(
                        rs.getObject("fid", Long.class),
                        rs.getBoolean("fid_verified"),
                        rs.getString("username"),
                        rs.getString("display_name"),
                        rs.getString("pfp_url")))
                .optional();
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
        return statement.query((rs, n) -> storedTrade(rs)).list();
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

    /** A trade row as stored, with its id for the keyset cursor. */
    record StoredTrade(long id, Trade trade) {}

    record TotalsRow(
            String token,
            String symbol,
            int decimals,
            long trades,
            long openTrades,
            BigInteger volume,
            BigInteger fees,
            BigInteger realisedPnl) {}

    private static StoredTrade storedTrade(ResultSet rs) throws SQLException {
        return new StoredTrade(rs.getLong("id"), trade(rs));
    }

    /** The trade of a row selected with (at least) the trade columns but the id. */
    static Trade trade(ResultSet rs) throws SQLException {
        Array strikesArray = rs.getArray("strikes");
        List<BigInteger> strikes = new ArrayList<>();
        for (Object strike : (Object[]) strikesArray.getArray()) {
            strikes.add(((BigDecimal) strike).toBigIntegerExact());
        }
        Object isCall = rs.getObject("is_call");
        return new Trade(
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
                instant(rs, "settled_at"),
                integer(rs, "referral_fee"),
                rs.getString("confirmation"),
                integer(rs, "collateral_returned"),
                rs.getString("lifecycle_tx_hash"),
                rs.getString("transferred_to"),
                rs.getString("transferred_from"),
                integer(rs, "split_contracts"),
                integer(rs, "split_collateral"),
                integer(rs, "split_premium"),
                integer(rs, "split_fee"),
                rs.getString("split_from"));
    }
}
