package io.nutsgate.trades;

import static io.nutsgate.common.SqlValues.numeric;
import static io.nutsgate.common.SqlValues.utc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.optionmath.OptionMath;
import io.nutsgate.optionmath.OptionStructure;
import io.nutsgate.optionmath.Side;
import io.nutsgate.protocol.Product;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    /**
     * The option's own terms, the same on every row of one option (its underlying, product, strikes, expiry,
     * collateral, referrer): bound from the trade a split-off or transferred row is made from.
     */
    private static JdbcClient.StatementSpec terms(JdbcClient.StatementSpec sql, Trade template) {
        return sql.param("underlying", template.underlying())
                .param("product", template.product())
                .param("isCall", template.isCall())
                .param(
                        "strikes",
                        template.strikes().stream()
                                .map(BigInteger::toString)
                                .collect(Collectors.joining(",", "{", "}")))
                .param("expiry", utc(template.expiry()))
                .param("collateralToken", template.collateralToken())
                .param("collateralSymbol", template.collateralSymbol())
                .param("collateralDecimals", template.collateralDecimals())
                .param("referrer", template.referrer());
    }

    private static final Logger log = LoggerFactory.getLogger(ChainTrades.class);

    /** One side of an {@code OrderFilled} made with our referrer, with the option's terms. */
    public record ChainTrade(
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
            + " confirmation, collateral_returned, lifecycle_tx_hash, transferred_to, transferred_from, split_contracts,"
            + " split_collateral, split_premium, split_fee, split_from";

    private final JdbcClient jdbc;
    private final TradeRepository trades;
    private final SettlementComparison comparison;
    private final Counter payoutMismatches;

    ChainTrades(JdbcClient jdbc, TradeRepository trades, SettlementComparison comparison, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.trades = trades;
        this.comparison = comparison;
        this.payoutMismatches = Counter.builder("nuts.lifecycle.payout.mismatch")
                .description("settlements whose OptionPayout differs from optionmath's payout at the settlement price")
                .register(meters);
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
    public List<TradeView> record(List<ChainTrade> fills, Instant now) {
        Set<String> wallets = new TreeSet<>();
        fills.forEach(f -> wallets.add(f.wallet()));
        wallets.forEach(trades::lockWallet);
        List<TradeView> changed = new ArrayList<>();
        for (ChainTrade f : fills) {
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
                    .query((rs, n) -> TradeView.of(TradeRepository.trade(rs)))
                    .list());
        }
        wallets.forEach(w -> trades.refreshTotals(w, now));
        return changed;
    }

    /**
     * The trade is one the chain indexer read: a row of {@code chain_fills} (read from a block whose hash the indexer
     * checked against its header) with the same transaction, block, option, amounts and wallet on the trade's side.
     */
    // A transferred position's new row, and a split-off option's, is written by the indexer itself from the
    // RoleTransferred or OptionSplit it read (and taken back by the lifecycle's own reorg handling), so it counts as
    // read although no OrderFilled names its wallet or option. A row that split keeps the fill's premium and fee
    // as its own plus what the splits moved out.
    private static final String READ_BY_INDEXER =
            """
            (trades.transferred_from IS NOT NULL OR trades.split_from IS NOT NULL
             OR EXISTS (SELECT 1 FROM chain_fills f WHERE f.chain_id = :chain AND f.tx_hash = trades.entry_tx_hash
                AND f.block_number = trades.block_number AND f.option_address = trades.option_address
                AND f.premium = trades.premium + COALESCE(trades.split_premium, 0)
                AND f.fee = trades.fee + COALESCE(trades.split_fee, 0)
                AND f.referral_fee IS NOT DISTINCT FROM trades.referral_fee
                AND (CASE WHEN trades.side = 'BUYER' THEN f.buyer ELSE f.seller END) = trades.wallet))""";

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
                .query((rs, n) -> TradeView.of(TradeRepository.trade(rs)))
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
                .query((rs, n) -> TradeView.of(TradeRepository.trade(rs)))
                .list();
        return refreshAfterRemoval(removed, now);
    }

    /** A reorg took back the blocks above {@code block}: deletes their trades and returns what was removed. */
    public List<TradeView> removeAbove(long block, Instant now) {
        List<TradeView> removed = jdbc.sql("DELETE FROM trades WHERE block_number > :block RETURNING " + COLUMNS)
                .param("block", block)
                .query((rs, n) -> TradeView.of(TradeRepository.trade(rs)))
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
                .query((rs, n) -> TradeView.of(TradeRepository.trade(rs)))
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

    /**
     * Marks OPEN trades whose expiry a block has reached ({@code blockTime}) EXPIRED: awaiting settlement. Returns
     * the events to publish once committed.
     */
    public List<Object> expireUpTo(Instant blockTime, Instant now) {
        return jdbc.sql("UPDATE trades SET status = 'EXPIRED', updated_at = :now WHERE status = 'OPEN'"
                        + " AND expiry <= :time RETURNING " + COLUMNS)
                .param("time", utc(blockTime))
                .param("now", utc(now))
                .query((rs, n) -> (Object)
                        new TradeLifecycleEvent(TradeView.of(TradeRepository.trade(rs)), TradeLifecycleEvent.EXPIRED))
                .list();
    }

    /**
     * Makes the trades of {@code life.option()} agree with its events (docs/trade-lifecycle.md): status, settlement
     * price, payout, collateral returned, realised P&L and transfers. Idempotent: applying the same life twice changes
     * nothing the second time; applying a shorter one (a reorg took events away) takes their effects back. A
     * {@code RoleTransferred} marks the old holder's row TRANSFERRED (with {@code transferred_to}) and gives the new
     * holder a row of its own (same entry, {@code transferred_from}, premium and fee 0, in the transfer's block, so
     * a reorg removes it). An {@code OptionSplit} reduces the option's rows and gives each followed role a row of the
     * new option ({@link #split}). Options without trades (not made with our referrer) are left alone. The totals of the
     * wallets involved are recomputed once, after all options. Returns the {@link TradeLifecycleEvent}s and
     * {@link TradeRemovedEvent}s to publish once committed.
     */
    public List<Object> applyLifecycles(List<OptionLife> lives, long confirmedUpTo, Instant now) {
        Set<String> touched = new TreeSet<>();
        List<Object> events = new ArrayList<>();
        for (OptionLife life : lives) {
            events.addAll(applyLifecycle(life, confirmedUpTo, now, touched));
        }
        touched.forEach(w -> trades.refreshTotals(w, now));
        return events;
    }

    private List<Object> applyLifecycle(OptionLife life, long confirmedUpTo, Instant now, Set<String> touched) {
        String option = life.option();
        Set<String> wallets = new TreeSet<>(jdbc.sql("SELECT DISTINCT wallet FROM trades WHERE option_address = :o")
                .param("o", option)
                .query(String.class)
                .list());
        if (wallets.isEmpty()) {
            return List.of();
        }
        life.transfers().forEach(t -> wallets.add(t.to()));
        for (OptionLife.Split s : life.splits()) {
            Stream.of(s.buyer(), s.seller()).filter(Objects::nonNull).forEach(wallets::add);
        }
        wallets.forEach(trades::lockWallet);
        Map<Trade.Key, Stored> existing = new LinkedHashMap<>();
        jdbc.sql("SELECT " + COLUMNS + ", block_number, lifecycle_block FROM trades WHERE option_address = :o"
                        + " ORDER BY created_at, entry_tx_hash, wallet, side")
                .param("o", option)
                .query((rs, n) -> new Stored(TradeRepository.trade(rs), (Long) rs.getObject("block_number"), (Long)
                        rs.getObject("lifecycle_block")))
                .list()
                .forEach(s -> existing.put(s.trade().key(), s));
        if (life.isEmpty()
                && existing.values().stream()
                        .allMatch(s -> s.lifecycleBlock() == null && s.trade().splitContracts() == null)) {
            return List.of(); // no chain facts, before or now: leave the indexer sync's figures alone
        }
        Trade template = existing.values().stream()
                .map(Stored::trade)
                .filter(Trade::isBase)
                .findFirst()
                .orElse(existing.values().iterator().next().trade());

        // The option's contracts and collateral as the events leave them: the entry's, less each split's part.
        Amounts whole = new Amounts(
                Trade.whole(template.contracts(), template.splitContracts()),
                Trade.whole(template.collateral(), template.splitCollateral()));
        Amounts[] current = {whole};
        Map<Trade.Key, Holder> holders = new LinkedHashMap<>();
        existing.values().stream()
                .map(Stored::trade)
                .filter(Trade::isBase)
                .forEach(f -> holders.put(
                        f.key(),
                        new Holder(
                                f.wallet(),
                                f.side(),
                                f.transferredFrom(),
                                null,
                                whole,
                                Trade.whole(f.premium(), f.splitPremium()),
                                Trade.whole(f.fee(), f.splitFee()))));
        Map<Trade.Key, SplitOff> splitOffs = new LinkedHashMap<>();
        for (int i = 0; i <= life.transfers().size(); i++) {
            for (OptionLife.Split s : life.splits()) {
                if (s.transfersBefore() == i) {
                    split(s, template, whole, current, holders, splitOffs);
                }
            }
            if (i == life.transfers().size()) {
                break;
            }
            OptionLife.Transfer t = life.transfers().get(i);
            Side side = t.isBuyer() ? Side.BUYER : Side.SELLER;
            holders.values().stream()
                    .filter(h -> h.wallet.equals(t.from()) && h.side == side && h.transferredTo == null)
                    .reduce((a, b) -> b)
                    .ifPresent(h -> {
                        h.transferredTo = t.to();
                        h.transfer = t;
                        h.end = current[0];
                    });
            Trade.Key key = new Trade.Key(template.entryTxHash(), option, t.to(), side);
            Holder to = holders.get(key);
            if (to == null) {
                holders.put(key, new Holder(t.to(), side, t.from(), t, current[0], BigInteger.ZERO, BigInteger.ZERO));
            } else {
                to.transferredTo = null; // the role came back to a wallet that held it
                to.transfer = t;
                to.end = null;
            }
        }
        holders.values().stream().filter(h -> h.end == null).forEach(h -> h.end = current[0]);

        List<Object> events = new ArrayList<>();
        for (Map.Entry<Trade.Key, Holder> e : holders.entrySet()) {
            Stored stored = existing.get(e.getKey());
            Holder h = e.getValue();
            Row row = row(life, h, stored == null ? template : stored.trade(), stored == null, now);
            List<TradeView> written = stored == null
                    ? insertTransferred(template, h, row, confirmedUpTo, now)
                    : update(e.getKey(), row, now);
            for (TradeView view : written) {
                touched.add(view.wallet().toLowerCase(java.util.Locale.ROOT));
                events.add(new TradeLifecycleEvent(view, change(stored == null ? null : stored.trade(), row, h)));
            }
        }
        // rows of transfers the chain no longer has (a reorg in the same block as the cursor): gone
        for (Stored stored : existing.values()) {
            if (!stored.trade().isBase() && !holders.containsKey(stored.trade().key())) {
                delete(stored.trade(), touched, events);
            }
        }
        events.addAll(writeSplitOffs(option, template, splitOffs, confirmedUpTo, now, touched));
        if (events.stream()
                .anyMatch(e -> e instanceof TradeLifecycleEvent l && l.change().equals(TradeLifecycleEvent.SETTLED))) {
            checkPayout(life, template, current[0].contracts()); // once per settlement read, not per re-application
        }
        comparison.checkOption(option);
        return events;
    }

    /**
     * One {@code OptionSplit} (docs/trade-lifecycle.md, "Splits").
     *
     * <p>Why this model: REFERENCE §2.3 declares only the event, {@code OptionSplit(newOption, collateralAmount,
     * feePaid, counterparty)}, emitted by the option that split; an option has one buyer and one seller, so moving
     * {@code collateralAmount} into a new option shrinks the option itself, and with it both roles' positions, not
     * one wallet's. The new option is a BaseOption like any other: it announces its own terms with
     * {@code OptionInitialized} (createdBy = the option that split, read in the same window), which gives the
     * contracts moved exactly (not a pro-rata guess from the collateral, which floors) and who holds each of its
     * roles; its settlement, close, transfers and splits then come as its own events, which the lifecycle already
     * applies to rows of that option. So: the option's rows keep what remains (contracts, collateral) and say what
     * left ({@code split_…}); each role we follow gets a row of the new option for its part, with the same entry,
     * {@code split_from} = this option, in the split's block (a reorg removes it with that block).
     *
     * <p>Cost: when the new option's role is held by the same wallet, its row carries the part's share of the row's
     * premium and fee ({@code ⌊premium × part / contracts⌋}, the rest stays), so each row's P&L is that of what it
     * holds and their sum is the unsplit trade's; a role of the new option held by another wallet is a received
     * position (premium 0, no P&L, {@code transferred_from}), and the splitting wallet keeps its whole cost. Without the
     * new option's {@code OptionInitialized} the contracts moved are the collateral's share, floored, and the roles
     * stay with their holders. {@code feePaid} is the splitter's fee to the protocol, not collateral: stored, not a
     * trade amount.
     */
    private static void split(
            OptionLife.Split s,
            Trade template,
            Amounts whole,
            Amounts[] current,
            Map<Trade.Key, Holder> holders,
            Map<Trade.Key, SplitOff> splitOffs) {
        Amounts before = current[0];
        BigInteger contracts = s.contracts() != null
                ? s.contracts()
                : before.collateral().signum() == 0
                        ? BigInteger.ZERO
                        : before.contracts().multiply(s.collateral()).divide(before.collateral());
        Amounts part =
                new Amounts(contracts.min(before.contracts()), s.collateral().min(before.collateral()));
        for (Holder h : holders.values()) {
            if (h.transferredTo != null) {
                continue;
            }
            String wallet = h.side == Side.BUYER ? s.buyer() : s.seller();
            wallet = wallet == null ? h.wallet : wallet;
            boolean same = wallet.equals(h.wallet);
            BigInteger premium = BigInteger.ZERO;
            BigInteger fee = BigInteger.ZERO;
            if (same && whole.contracts().signum() > 0) {
                premium = h.premium.multiply(part.contracts()).divide(whole.contracts());
                fee = h.fee.multiply(part.contracts()).divide(whole.contracts());
                h.premiumMoved = h.premiumMoved.add(premium);
                h.feeMoved = h.feeMoved.add(fee);
            }
            splitOffs.put(
                    new Trade.Key(template.entryTxHash(), s.newOption(), wallet, h.side),
                    new SplitOff(s, part, premium, fee, same ? h.transferredFrom : h.wallet));
        }
        current[0] = new Amounts(
                before.contracts().subtract(part.contracts()),
                before.collateral().subtract(part.collateral()));
    }

    /**
     * Writes the rows of the options split off {@code option} (a row already there is kept: its amounts are chain
     * facts that do not change, and its own option's events may have changed it since) and deletes those of splits
     * the chain no longer has.
     */
    private List<Object> writeSplitOffs(
            String option,
            Trade template,
            Map<Trade.Key, SplitOff> splitOffs,
            long confirmedUpTo,
            Instant now,
            Set<String> touched) {
        List<Object> events = new ArrayList<>();
        for (Trade stale : jdbc.sql("SELECT " + COLUMNS + " FROM trades WHERE split_from = :o")
                .param("o", option)
                .query((rs, n) -> TradeRepository.trade(rs))
                .list()) {
            if (!splitOffs.containsKey(stale.key())) {
                delete(stale, touched, events);
            }
        }
        for (Map.Entry<Trade.Key, SplitOff> e : splitOffs.entrySet()) {
            Trade.Key key = e.getKey();
            SplitOff off = e.getValue();
            OptionLife.Split s = off.split();
            TradeStatus status = template.expiry().isAfter(now) ? TradeStatus.OPEN : TradeStatus.EXPIRED;
            List<TradeView> written = terms(
                            jdbc.sql(
                                    """
                            INSERT INTO trades (entry_tx_hash, option_address, wallet, side, status, underlying,
                                product, is_call, strikes, expiry, collateral_token, collateral_symbol,
                                collateral_decimals, premium, fee, contracts, collateral, referrer, created_at,
                                updated_at, block_number, confirmation, referral_fee, transferred_from, split_from)
                            VALUES (:entry, :option, :wallet, :side, :status, :underlying, :product, :isCall,
                                CAST(:strikes AS numeric[]), :expiry, :collateralToken, :collateralSymbol,
                                :collateralDecimals, :premium, :fee, :contracts, :collateral, :referrer, :createdAt,
                                :now, :block, :confirmation, 0, :from, :splitFrom)
                            ON CONFLICT (entry_tx_hash, option_address, wallet, side) DO NOTHING
                            RETURNING
                            """
                                            + COLUMNS),
                            template)
                    .param("entry", key.entryTxHash())
                    .param("option", key.optionAddress())
                    .param("wallet", key.wallet())
                    .param("side", key.side().name())
                    .param("status", status.name())
                    .param("premium", numeric(off.premium()))
                    .param("fee", numeric(off.fee()))
                    .param("contracts", numeric(off.part().contracts()))
                    .param("collateral", numeric(off.part().collateral()))
                    .param("createdAt", utc(s.time()))
                    .param("now", utc(now))
                    .param("block", s.block())
                    .param(
                            "confirmation",
                            s.block() <= confirmedUpTo ? TradeRecordedEvent.CONFIRMED : TradeRecordedEvent.SEEN)
                    .param("from", off.transferredFrom())
                    .param("splitFrom", option)
                    .query((rs, n) -> TradeView.of(TradeRepository.trade(rs)))
                    .list();
            for (TradeView view : written) {
                touched.add(key.wallet());
                events.add(new TradeLifecycleEvent(view, TradeLifecycleEvent.SPLIT));
            }
        }
        return events;
    }

    private void delete(Trade f, Set<String> touched, List<Object> events) {
        jdbc.sql(
                        "DELETE FROM trades WHERE entry_tx_hash = :tx AND option_address = :o AND wallet = :w AND side = :side")
                .param("tx", f.entryTxHash())
                .param("o", f.optionAddress())
                .param("w", f.wallet())
                .param("side", f.side().name())
                .update();
        touched.add(f.wallet());
        events.add(new TradeRemovedEvent(TradeView.of(f)));
    }

    /** Contracts and collateral, base units. */
    private record Amounts(BigInteger contracts, BigInteger collateral) {}

    /** A role's part of a split-off option: the split, its amounts, and the premium and fee it carries. */
    private record SplitOff(
            OptionLife.Split split, Amounts part, BigInteger premium, BigInteger fee, String transferredFrom) {}

    /** One wallet holding one role of the option, as the events leave it. */
    private static final class Holder {
        final String wallet;
        final Side side;
        final String transferredFrom;
        final Amounts start;
        final BigInteger premium;
        final BigInteger fee;
        String transferredTo;
        OptionLife.Transfer transfer;
        Amounts end;
        BigInteger premiumMoved = BigInteger.ZERO;
        BigInteger feeMoved = BigInteger.ZERO;

        Holder(
                String wallet,
                Side side,
                String transferredFrom,
                OptionLife.Transfer transfer,
                Amounts start,
                BigInteger premium,
                BigInteger fee) {
            this.wallet = wallet;
            this.side = side;
            this.transferredFrom = transferredFrom;
            this.transfer = transfer;
            this.start = start;
            this.premium = premium;
            this.fee = fee;
        }

        /** A moved amount as stored: null when nothing moved. */
        static BigInteger moved(BigInteger moved) {
            return moved.signum() == 0 ? null : moved;
        }
    }

    private record Stored(Trade trade, Long blockNumber, Long lifecycleBlock) {}

    /** The lifecycle and amount columns of one trade row. */
    private record Row(
            TradeStatus status,
            BigInteger settlementPrice,
            BigInteger payout,
            BigInteger collateralReturned,
            BigInteger pnl,
            Instant settledAt,
            String lifecycleTx,
            Long lifecycleBlock,
            String transferredTo,
            Holding holding) {}

    /** What the row holds of the option after its splits, and what the splits moved out (null when nothing). */
    private record Holding(
            BigInteger contracts,
            BigInteger collateral,
            BigInteger premium,
            BigInteger fee,
            BigInteger splitContracts,
            BigInteger splitCollateral,
            BigInteger splitPremium,
            BigInteger splitFee) {

        static Holding of(Holder h) {
            return new Holding(
                    h.end.contracts(),
                    h.end.collateral(),
                    h.premium.subtract(h.premiumMoved),
                    h.fee.subtract(h.feeMoved),
                    Holder.moved(h.start.contracts().subtract(h.end.contracts())),
                    Holder.moved(h.start.collateral().subtract(h.end.collateral())),
                    Holder.moved(h.premiumMoved),
                    Holder.moved(h.feeMoved));
        }
    }

    private static Row row(OptionLife life, Holder h, Trade trade, boolean received, Instant now) {
        OptionLife.Transfer t = h.transfer;
        Holding p = Holding.of(h);
        if (h.transferredTo != null) {
            return new Row(
                    TradeStatus.TRANSFERRED,
                    null,
                    null,
                    null,
                    null,
                    t.time(),
                    t.txHash(),
                    t.block(),
                    h.transferredTo,
                    p);
        }
        boolean own = h.transferredFrom == null && !received;
        Long transferBlock = t == null ? null : t.block();
        String transferTx = t == null ? null : t.txHash();
        if (life.end() == null) {
            TradeStatus status = trade.expiry().isAfter(now) ? TradeStatus.OPEN : TradeStatus.EXPIRED;
            return new Row(status, null, null, null, null, null, transferTx, transferBlock, null, p);
        }
        return switch (life.end()) {
            case SETTLEMENT_FAILED ->
                new Row(
                        TradeStatus.SETTLEMENT_FAILED,
                        null,
                        null,
                        null,
                        null,
                        null,
                        life.endTx(),
                        life.endBlock(),
                        null,
                        p);
            case SETTLED, CLOSED -> {
                boolean settled = life.end() == OptionLife.End.SETTLED;
                BigInteger payout = settled ? life.payout() : BigInteger.ZERO;
                BigInteger returned = life.collateralReturned() != null
                        ? life.collateralReturned()
                        : p.collateral().subtract(payout).max(BigInteger.ZERO);
                // realised P&L only for the wallet that entered through the fill: a received role's cost is not on
                // chain (the transfer carries no price)
                BigInteger pnl = !own
                        ? null
                        : h.side == Side.BUYER
                                ? payout.subtract(p.premium())
                                : p.premium()
                                        .subtract(p.fee())
                                        .subtract(p.collateral().subtract(returned));
                yield new Row(
                        settled ? TradeStatus.SETTLED : TradeStatus.CLOSED,
                        settled ? life.settlementPrice() : null,
                        payout,
                        returned,
                        pnl,
                        life.endTime(),
                        life.endTx(),
                        life.endBlock(),
                        null,
                        p);
            }
        };
    }

    private static String change(Trade before, Row row, Holder h) {
        return switch (row.status()) {
            case SETTLED -> TradeLifecycleEvent.SETTLED;
            case CLOSED -> TradeLifecycleEvent.CLOSED;
            case TRANSFERRED -> TradeLifecycleEvent.TRANSFERRED;
            case SETTLEMENT_FAILED -> TradeLifecycleEvent.SETTLEMENT_FAILED;
            default -> {
                if (before == null || (h.transfer != null && before.lifecycleTxHash() == null)) {
                    yield TradeLifecycleEvent.TRANSFERRED;
                }
                // only the amounts changed: a split moved part of the position out (or a reorg took it back)
                boolean sameLife = before.status() == row.status()
                        && Objects.equals(before.lifecycleTxHash(), row.lifecycleTx())
                        && Objects.equals(before.transferredTo(), row.transferredTo());
                BigInteger was = before.splitContracts() == null ? BigInteger.ZERO : before.splitContracts();
                BigInteger is = row.holding().splitContracts() == null
                        ? BigInteger.ZERO
                        : row.holding().splitContracts();
                yield sameLife && is.compareTo(was) > 0 ? TradeLifecycleEvent.SPLIT : TradeLifecycleEvent.REVERTED;
            }
        };
    }

    private List<TradeView> update(Trade.Key key, Row row, Instant now) {
        Holding p = row.holding();
        return jdbc.sql(
                        """
                        UPDATE trades SET status = :status, settlement_price = :price, payout = :payout,
                            collateral_returned = :returned, pnl = :pnl, settled_at = :settledAt,
                            lifecycle_tx_hash = :tx, lifecycle_block = :block, transferred_to = :to,
                            contracts = :contracts, collateral = :collateral, premium = :premium, fee = :fee,
                            split_contracts = :splitContracts, split_collateral = :splitCollateral,
                            split_premium = :splitPremium, split_fee = :splitFee, updated_at = :now
                        WHERE entry_tx_hash = :entry AND option_address = :option AND wallet = :wallet AND side = :side
                          AND (status, settlement_price, payout, collateral_returned, pnl, settled_at, lifecycle_tx_hash,
                               lifecycle_block, transferred_to, contracts, collateral, premium, fee, split_contracts,
                               split_collateral, split_premium, split_fee)
                              IS DISTINCT FROM
                              (:status, CAST(:price AS numeric), CAST(:payout AS numeric), CAST(:returned AS numeric),
                               CAST(:pnl AS numeric), CAST(:settledAt AS timestamptz), CAST(:tx AS text),
                               CAST(:block AS bigint), CAST(:to AS text), CAST(:contracts AS numeric),
                               CAST(:collateral AS numeric), CAST(:premium AS numeric), CAST(:fee AS numeric),
                               CAST(:splitContracts AS numeric), CAST(:splitCollateral AS numeric),
                               CAST(:splitPremium AS numeric), CAST(:splitFee AS numeric))
                        RETURNING
                        """
                                + COLUMNS)
                .param("status", row.status().name())
                .param("price", numeric(row.settlementPrice()))
                .param("payout", numeric(row.payout()))
                .param("returned", numeric(row.collateralReturned()))
                .param("pnl", numeric(row.pnl()))
                .param("settledAt", utc(row.settledAt()))
                .param("tx", row.lifecycleTx())
                .param("block", row.lifecycleBlock())
                .param("to", row.transferredTo())
                .param("contracts", numeric(p.contracts()))
                .param("collateral", numeric(p.collateral()))
                .param("premium", numeric(p.premium()))
                .param("fee", numeric(p.fee()))
                .param("splitContracts", numeric(p.splitContracts()))
                .param("splitCollateral", numeric(p.splitCollateral()))
                .param("splitPremium", numeric(p.splitPremium()))
                .param("splitFee", numeric(p.splitFee()))
                .param("now", utc(now))
                .param("entry", key.entryTxHash())
                .param("option", key.optionAddress())
                .param("wallet", key.wallet())
                .param("side", key.side().name())
                .query((rs, n) -> TradeView.of(TradeRepository.trade(rs)))
                .list();
    }

    /** The new holder's row: the option's terms, no premium or fee of its own, in the transfer's block. */
    private List<TradeView> insertTransferred(Trade template, Holder h, Row row, long confirmedUpTo, Instant now) {
        OptionLife.Transfer t = h.transfer;
        Holding p = row.holding();
        return terms(
                        jdbc.sql(
                                """
                        INSERT INTO trades (entry_tx_hash, option_address, wallet, side, status, underlying, product,
                            is_call, strikes, expiry, collateral_token, collateral_symbol, collateral_decimals,
                            premium, fee, contracts, collateral, settlement_price, payout, pnl, referrer, created_at,
                            settled_at, updated_at, block_number, confirmation, collateral_returned, lifecycle_tx_hash,
                            lifecycle_block, transferred_to, transferred_from, split_contracts, split_collateral)
                        VALUES (:entry, :option, :wallet, :side, :status, :underlying, :product, :isCall,
                            CAST(:strikes AS numeric[]), :expiry, :collateralToken, :collateralSymbol,
                            :collateralDecimals, 0, 0, :contracts, :collateral, :price, :payout, :pnl, :referrer,
                            :createdAt, :settledAt, :now, :block, :confirmation, :returned, :tx, :lifecycleBlock, :to,
                            :from, :splitContracts, :splitCollateral)
                        ON CONFLICT (entry_tx_hash, option_address, wallet, side) DO NOTHING
                        RETURNING
                        """
                                        + COLUMNS),
                        template)
                .param("entry", template.entryTxHash())
                .param("option", template.optionAddress())
                .param("wallet", h.wallet)
                .param("side", h.side.name())
                .param("status", row.status().name())
                .param("contracts", numeric(p.contracts()))
                .param("collateral", numeric(p.collateral()))
                .param("splitContracts", numeric(p.splitContracts()))
                .param("splitCollateral", numeric(p.splitCollateral()))
                .param("price", numeric(row.settlementPrice()))
                .param("payout", numeric(row.payout()))
                .param("pnl", numeric(row.pnl()))
                .param("createdAt", utc(t.time()))
                .param("settledAt", utc(row.settledAt()))
                .param("now", utc(now))
                .param("block", t.block())
                .param(
                        "confirmation",
                        t.block() <= confirmedUpTo ? TradeRecordedEvent.CONFIRMED : TradeRecordedEvent.SEEN)
                .param("returned", numeric(row.collateralReturned()))
                .param("tx", row.lifecycleTx())
                .param("lifecycleBlock", row.lifecycleBlock())
                .param("to", row.transferredTo())
                .param("from", h.transferredFrom)
                .query((rs, n) -> TradeView.of(TradeRepository.trade(rs)))
                .list();
    }

    /** The chain's payout must be optionmath's at the settlement price: a difference is a bug, logged and counted. */
    private void checkPayout(OptionLife life, Trade terms, BigInteger contracts) {
        if (life.end() != OptionLife.End.SETTLED || life.settlementPrice() == null || terms.product() == null) {
            return;
        }
        BigInteger expected;
        try {
            expected = OptionMath.payout(
                    new OptionStructure(
                            Product.valueOf(terms.product()), terms.strikes(), contracts, terms.collateralDecimals()),
                    life.settlementPrice());
        } catch (RuntimeException e) {
            log.warn("cannot check the payout of option {}: {}", life.option(), e.getMessage());
            return;
        }
        if (!Objects.equals(expected, life.payout())) {
            payoutMismatches.increment();
            log.warn(
                    "option {} paid {} at settlement price {}, optionmath says {} (difference {})",
                    life.option(),
                    life.payout(),
                    life.settlementPrice(),
                    expected,
                    life.payout().subtract(expected));
        }
    }
}
