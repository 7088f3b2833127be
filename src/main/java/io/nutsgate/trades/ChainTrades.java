package io.nutsgate.trades;

import static io.nutsgate.common.SqlValues.utc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Trades read from the chain (our indexer and {@code POST /nuts/fills}): the same rows, keyed the same way (entry tx
 * hash, option address, wallet, side), as the Thetanuts indexer sync writes, whichever arrives first. Runs inside the
 * caller's transaction; the caller publishes {@link TradeRecordedEvent} and {@link TradeRemovedEvent} for the views
 * returned once it has committed.
 */
@Component
public class ChainTrades {

    /** One side of an {@code OrderFilled} made with our referrer, with the option's terms. */
    public record ChainFill(
            String txHash,
            long blockNumber,
            String optionAddress,
            String wallet,
            Side side,
            String underlying,
            String product,
            Boolean isCall,
            List<BigInteger> strikes,
            Instant expiry,
            String collateralToken,
            String collateralSymbol,
            int collateralDecimals,
            BigInteger premium,
            BigInteger fee,
            BigInteger referralFee,
            BigInteger contracts,
            BigInteger collateral,
            String referrer,
            Instant createdAt,
            boolean confirmed) {}

    private static final String COLUMNS = "entry_tx_hash, option_address, wallet, side, status, underlying, product,"
            + " is_call, strikes, expiry, collateral_token, collateral_symbol, collateral_decimals, premium, fee,"
            + " contracts, collateral, settlement_price, payout, pnl, referrer, created_at, settled_at, referral_fee,"
            + " confirmation";

    private final JdbcClient jdbc;
    private final TradeRepository trades;

    ChainTrades(JdbcClient jdbc, TradeRepository trades) {
        this.jdbc = jdbc;
        this.trades = trades;
    }

    /** Which of {@code wallets} (lower case) the platform follows: they signed in or asked for an update. */
    public Set<String> followed(Collection<String> wallets) {
        if (wallets.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(jdbc.sql("SELECT address FROM wallet_activity WHERE address IN (:wallets)")
                .param("wallets", List.copyOf(wallets))
                .query(String.class)
                .list());
    }

    /**
     * Inserts the fills, or adds block, referral fee and confirmation to the rows the indexer sync wrote first.
     * Returns the rows inserted or changed, as the API shows them.
     */
    public List<TradeView> record(List<ChainFill> fills, Instant now) {
        Set<String> wallets = new TreeSet<>();
        fills.forEach(f -> wallets.add(f.wallet()));
        wallets.forEach(trades::lockWallet);
        List<TradeView> changed = new ArrayList<>();
        for (ChainFill f : fills) {
            TradeStatus status = f.expiry().isAfter(now) ? TradeStatus.OPEN : TradeStatus.EXPIRED;
            changed.addAll(jdbc.sql(
                            """
                            INSERT INTO trades (entry_tx_hash, option_address, wallet, side, status, underlying, product,
                                is_call, strikes, expiry, collateral_token, collateral_symbol, collateral_decimals,
                                premium, fee, contracts, collateral, referrer, created_at, updated_at, referral_fee,
                                block_number, confirmation)
                            VALUES (:txHash, :option, :wallet, :side, :status, :underlying, :product, :isCall,
                                CAST(:strikes AS numeric[]), :expiry, :collateralToken, :collateralSymbol,
                                :collateralDecimals, :premium, :fee, :contracts, :collateral, :referrer, :createdAt,
                                :now, :referralFee, :block, :confirmation)
                            ON CONFLICT (entry_tx_hash, option_address, wallet, side) DO UPDATE SET
                                referral_fee = EXCLUDED.referral_fee,
                                block_number = EXCLUDED.block_number,
                                confirmation = CASE WHEN trades.confirmation = 'confirmed' THEN 'confirmed'
                                    ELSE EXCLUDED.confirmation END,
                                underlying = COALESCE(trades.underlying, EXCLUDED.underlying),
                                product = COALESCE(trades.product, EXCLUDED.product),
                                is_call = COALESCE(trades.is_call, EXCLUDED.is_call),
                                updated_at = EXCLUDED.updated_at
                            WHERE (trades.referral_fee, trades.block_number, trades.confirmation, trades.product,
                                   trades.underlying)
                                IS DISTINCT FROM
                                  (EXCLUDED.referral_fee, EXCLUDED.block_number,
                                   CASE WHEN trades.confirmation = 'confirmed' THEN 'confirmed'
                                       ELSE EXCLUDED.confirmation END,
                                   COALESCE(trades.product, EXCLUDED.product),
                                   COALESCE(trades.underlying, EXCLUDED.underlying))
                            RETURNING
                            """
                                    + COLUMNS)
                    .param("txHash", f.txHash())
                    .param("option", f.optionAddress())
                    .param("wallet", f.wallet())
                    .param("side", f.side().name())
                    .param("status", status.name())
                    .param("underlying", f.underlying())
                    .param("product", f.product())
                    .param("isCall", f.isCall())
                    .param(
                            "strikes",
                            f.strikes().stream().map(BigInteger::toString).collect(Collectors.joining(",", "{", "}")))
                    .param("expiry", utc(f.expiry()))
                    .param("collateralToken", f.collateralToken())
                    .param("collateralSymbol", f.collateralSymbol())
                    .param("collateralDecimals", f.collateralDecimals())
                    .param("premium", new BigDecimal(f.premium()))
                    .param("fee", new BigDecimal(f.fee()))
                    .param("contracts", new BigDecimal(f.contracts()))
                    .param("collateral", new BigDecimal(f.collateral()))
                    .param("referrer", f.referrer())
                    .param("createdAt", utc(f.createdAt()))
                    .param("now", utc(now))
                    .param("referralFee", new BigDecimal(f.referralFee()))
                    .param("block", f.blockNumber())
                    .param("confirmation", f.confirmed() ? TradeRecordedEvent.CONFIRMED : TradeRecordedEvent.SEEN)
                    .query((rs, n) -> TradesController.view(TradeRepository.fill(rs)))
                    .list());
        }
        wallets.forEach(w -> trades.refreshTotals(w, now));
        return changed;
    }

    /**
     * The trade is one the chain indexer read: a row of {@code chain_fills} (read from a block whose hash the indexer
     * checked against its header) with the same transaction, block, option, amounts and wallet on the trade's side.
     */
    private static final String READ_BY_INDEXER =
            """
            EXISTS (SELECT 1 FROM chain_fills f WHERE f.chain_id = :chain AND f.tx_hash = trades.entry_tx_hash
                AND f.block_number = trades.block_number AND f.option_address = trades.option_address
                AND f.premium = trades.premium AND f.fee = trades.fee
                AND f.referral_fee IS NOT DISTINCT FROM trades.referral_fee
                AND (CASE WHEN trades.side = 'BUYER' THEN f.buyer ELSE f.seller END) = trades.wallet)""";

    /**
     * Marks confirmed the {@code seen} trades at or below {@code block} that the indexer read ({@code block} is never
     * above the indexer's cursor); the rows that changed.
     */
    public List<TradeView> confirmUpTo(long chainId, long block, Instant now) {
        return jdbc.sql("UPDATE trades SET confirmation = 'confirmed', updated_at = :now"
                        + " WHERE confirmation = 'seen' AND block_number <= :block AND " + READ_BY_INDEXER
                        + " RETURNING " + COLUMNS)
                .param("chain", chainId)
                .param("block", block)
                .param("now", utc(now))
                .query((rs, n) -> TradesController.view(TradeRepository.fill(rs)))
                .list();
    }

    /**
     * Deletes the {@code seen} trades at or below {@code block} (the indexer's cursor) that the indexer did not read:
     * recorded from a receipt whose block a reorg replaced, or whose log is not the chain's. Returns them.
     */
    public List<TradeView> removeUnread(long chainId, long block, Instant now) {
        List<TradeView> removed = jdbc.sql("DELETE FROM trades WHERE confirmation = 'seen' AND block_number <= :block"
                        + " AND NOT " + READ_BY_INDEXER + " RETURNING " + COLUMNS)
                .param("chain", chainId)
                .param("block", block)
                .query((rs, n) -> TradesController.view(TradeRepository.fill(rs)))
                .list();
        return refreshAfterRemoval(removed, now);
    }

    /** A reorg took back the blocks above {@code block}: deletes their trades and returns what was removed. */
    public List<TradeView> removeAbove(long block, Instant now) {
        List<TradeView> removed = jdbc.sql("DELETE FROM trades WHERE block_number > :block RETURNING " + COLUMNS)
                .param("block", block)
                .query((rs, n) -> TradesController.view(TradeRepository.fill(rs)))
                .list();
        return refreshAfterRemoval(removed, now);
    }

    private List<TradeView> refreshAfterRemoval(List<TradeView> removed, Instant now) {
        Set<String> wallets = new TreeSet<>();
        removed.forEach(t -> wallets.add(t.wallet()));
        for (String wallet : wallets) {
            jdbc.sql("DELETE FROM trader_totals WHERE wallet = :wallet")
                    .param("wallet", wallet)
                    .update();
            trades.refreshTotals(wallet, now);
        }
        return removed;
    }

    /** The trades entered by one transaction (lower-case hash), as the API shows them. */
    public List<TradeView> byEntryTx(String txHash) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM trades WHERE entry_tx_hash = :tx ORDER BY wallet, side")
                .param("tx", txHash)
                .query((rs, n) -> TradesController.view(TradeRepository.fill(rs)))
                .list();
    }

    /** Options of trades without a product (the indexer sync had no {@code implementationName}). */
    public List<String> optionsWithoutProduct(int limit) {
        return jdbc.sql("SELECT DISTINCT option_address FROM trades WHERE product IS NULL LIMIT :limit")
                .param("limit", limit)
                .query(String.class)
                .list();
    }

    /** Sets product and call/put flavour of the option's trades that have none; the number of rows changed. */
    public int setProduct(String option, String product, Boolean isCall, Instant now) {
        return jdbc.sql("UPDATE trades SET product = :product, is_call = COALESCE(is_call, :isCall), updated_at = :now"
                        + " WHERE option_address = :option AND product IS NULL")
                .param("product", product)
                .param("isCall", isCall)
                .param("option", option)
                .param("now", utc(now))
                .update();
    }
}
