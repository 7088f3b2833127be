package io.nutsgate.indexer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.common.Addresses;
import io.nutsgate.rpc.Rpc;
import io.nutsgate.trades.ChainTrades;
import io.nutsgate.trades.OptionLife;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The life of every option created through our book, read from the option's own events (REFERENCE §2.3) in the chain
 * indexer's windows: same cursor, same transaction, same confirmations and reorg handling as the fills.
 *
 * <p>Per window the indexer calls {@link #read} (one {@code eth_getLogs} for the seven lifecycle topics, any address:
 * only option clones emit them) and, once the window's fills are written, {@link #index}: options of the window's
 * {@code OrderFilled}s are followed, events of followed options stored (idempotent on tx hash and log index), an
 * {@code OptionSplit} follows its new option, and every option with a new event gets its trades recomputed from all
 * its stored events ({@link ChainTrades#applyLifecycles}). Trades a block has passed the expiry of become EXPIRED. On a
 * reorg {@link #rollBack} deletes the events above the fork and recomputes their options, which takes their effect
 * back. A log that cannot be decoded is skipped and counted with the indexer's skipped logs.
 */
@Component
class OptionLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OptionLifecycle.class);

    private final LifecycleStore store;
    private final IndexerStore indexerStore;
    private final ChainTrades trades;
    private final Counter logsSkipped;
    private final Counter eventsRead;

    OptionLifecycle(LifecycleStore store, IndexerStore indexerStore, ChainTrades trades, MeterRegistry meters) {
        this.store = store;
        this.indexerStore = indexerStore;
        this.trades = trades;
        // the same meter the indexer counts its skipped logs on
        this.logsSkipped = Counter.builder("nuts.indexer.logs.skipped")
                .description("logs the chain indexer could not decode or use")
                .register(meters);
        this.eventsRead = Counter.builder("nuts.lifecycle.events")
                .description("lifecycle events of followed options read by the chain indexer")
                .register(meters);
    }

    /**
     * The lifecycle logs of blocks {@code from}..{@code to}, of any option (filtered in {@link #index}); when some are
     * {@code OptionSplit}s, one more call reads the {@code OptionInitialized} of their new options (created by the
     * options that split), which say how many contracts moved and who holds them.
     */
    List<Log> read(Rpc rpc, long from, long to) {
        List<Log> logs = rpc.logs(from, to, null, List.of(OptionEvents.topics()));
        List<String> splitting = new ArrayList<>();
        for (Log l : logs) {
            String address = l.getAddress();
            // a log without a well-formed address is skipped later (index), never fails the window here
            if (OptionEvents.Kind.SPLIT.topic.equals(BookEvents.topic0(l)) && Addresses.isValid(address)) {
                String creator = "0x" + "0".repeat(24) + address.substring(2).toLowerCase(Locale.ROOT);
                if (!splitting.contains(creator)) {
                    splitting.add(creator);
                }
            }
        }
        if (splitting.isEmpty()) {
            return logs;
        }
        List<Log> all = new ArrayList<>(logs);
        all.addAll(rpc.logs(
                from,
                to,
                null,
                java.util.Arrays.asList(List.of(BookEvents.OPTION_INITIALIZED_TOPIC), null, null, splitting)));
        return all;
    }

    /** The blocks of {@code logs} whose header the batch must read (logs without a block are skipped later). */
    static Set<Long> blocks(List<Log> logs) {
        Set<Long> blocks = new HashSet<>();
        for (Log l : logs) {
            try {
                if (l.getBlockNumber() != null) {
                    blocks.add(l.getBlockNumber().longValueExact());
                }
            } catch (RuntimeException e) {
                // an unreadable block number: the log is skipped and counted in index()
            }
        }
        return blocks;
    }

    /**
     * Stores the window's lifecycle events of followed options and recomputes their trades; adds the events to
     * publish once committed to {@code published}.
     */
    void index(
            long chainId,
            List<BookEvents.OrderFilled> fills,
            List<Log> logs,
            Map<Long, Rpc.Header> headers,
            long confirmedUpTo,
            Instant lastBlockTime,
            Instant now,
            List<Object> published) {
        for (BookEvents.OrderFilled f : fills) {
            store.follow(chainId, f.option(), f.at().blockNumber(), null);
        }
        List<OptionEvents.OptionEvent> events = new ArrayList<>();
        Map<String, BookEvents.OptionInitialized> splitOffs = new HashMap<>();
        for (Log l : logs) {
            try {
                if (BookEvents.OPTION_INITIALIZED_TOPIC.equals(BookEvents.topic0(l))) {
                    BookEvents.OptionInitialized init = BookEvents.optionInitialized(l);
                    splitOffs.put(init.option(), init);
                    continue;
                }
                OptionEvents.OptionEvent e = OptionEvents.decode(l);
                if (!headers.containsKey(e.at().blockNumber())) {
                    throw new BookEvents.BadLogException("block " + e.at().blockNumber() + " was not read");
                }
                events.add(e);
            } catch (BookEvents.BadLogException | ArithmeticException e) {
                logsSkipped.increment();
                log.warn("skipping a lifecycle log of tx {}: {}", l.getTransactionHash(), e.getMessage());
            }
        }
        events.sort(Comparator.comparingLong((OptionEvents.OptionEvent e) -> e.at().blockNumber())
                .thenComparingInt(e -> e.at().logIndex()));
        Set<String> followed = new HashSet<>(store.followed(
                chainId, events.stream().map(OptionEvents.OptionEvent::option).toList()));
        Set<String> touched = new TreeSet<>();
        Map<Long, String> hashes = new TreeMap<>();
        for (OptionEvents.OptionEvent e : events) {
            if (!followed.contains(e.option())) {
                continue; // an option of another book or of the RFQ
            }
            Rpc.Header h = headers.get(e.at().blockNumber());
            if (e.kind() == OptionEvents.Kind.SPLIT) {
                BookEvents.OptionInitialized init = splitOffs.get(e.newOption());
                if (init != null && init.createdBy().equals(e.option())) {
                    e = e.withSplitOff(new OptionEvents.SplitOff(init.numContracts(), init.buyer(), init.seller()));
                } else {
                    log.warn(
                            "OptionSplit of {} in tx {}: no OptionInitialized of its new option {}",
                            e.option(),
                            e.at().txHash(),
                            e.newOption());
                }
            }
            store.insert(chainId, e, Instant.ofEpochSecond(h.timestamp()));
            hashes.put(h.number(), h.hash().toLowerCase(Locale.ROOT));
            touched.add(e.option());
            eventsRead.increment();
            if (e.kind() == OptionEvents.Kind.SPLIT && e.newOption() != null) {
                store.follow(chainId, e.newOption(), e.at().blockNumber(), e.option());
                followed.add(e.newOption());
            }
        }
        indexerStore.saveBlocks(chainId, hashes);
        published.addAll(trades.applyLifecycles(lives(chainId, parentsFirst(chainId, touched)), confirmedUpTo, now));
        published.addAll(trades.expireUpTo(lastBlockTime, now));
    }

    /** A reorg replaced the blocks above {@code fork}: their events go, and their options' trades are recomputed. */
    void rollBack(long chainId, long fork, long confirmedUpTo, Instant now, List<Object> published) {
        published.addAll(trades.applyLifecycles(
                lives(chainId, parentsFirst(chainId, store.deleteAbove(chainId, fork))), confirmedUpTo, now));
    }

    /**
     * The options in an order where an option comes before the options split off it: applying a split writes the
     * new option's rows, which the new option's own events (settlement, transfer…) then change.
     */
    private List<String> parentsFirst(long chainId, java.util.Collection<String> options) {
        Map<String, Integer> depth = new HashMap<>();
        for (String o : options) {
            depth.put(o, store.generation(chainId, o));
        }
        return options.stream()
                .sorted(Comparator.comparingInt((String o) -> depth.get(o)).thenComparing(o -> o))
                .toList();
    }

    private List<OptionLife> lives(long chainId, java.util.Collection<String> options) {
        return options.stream().map(o -> life(o, store.events(chainId, o))).toList();
    }

    /**
     * What the events (chain order) say. The last {@code OptionExpired} settles the option at its price, paying the
     * {@code OptionPayout}s after it to the buyer and {@code ExcessCollateralReturned} to the seller; an
     * {@code OptionClosed} closes it; an {@code OptionSettlementFailed} counts while no settlement or close follows.
     */
    static OptionLife life(String option, List<LifecycleStore.TimedEvent> events) {
        OptionLife.End end = null;
        BigInteger price = null;
        BigInteger payout = BigInteger.ZERO;
        BigInteger returned = null;
        String endTx = null;
        Long endBlock = null;
        Instant endTime = null;
        List<OptionLife.Transfer> transfers = new ArrayList<>();
        List<OptionLife.Split> splits = new ArrayList<>();
        for (LifecycleStore.TimedEvent timed : events) {
            OptionEvents.OptionEvent e = timed.event();
            boolean ends =
                    switch (e.kind()) {
                        case EXPIRED -> {
                            end = OptionLife.End.SETTLED;
                            price = e.settlementPrice();
                            payout = BigInteger.ZERO;
                            returned = null;
                            yield true;
                        }
                        case CLOSED -> {
                            end = OptionLife.End.CLOSED;
                            returned = e.amount();
                            payout = BigInteger.ZERO;
                            yield true;
                        }
                        case SETTLEMENT_FAILED -> {
                            if (end == OptionLife.End.SETTLED || end == OptionLife.End.CLOSED) {
                                yield false;
                            }
                            end = OptionLife.End.SETTLEMENT_FAILED;
                            yield true;
                        }
                        case PAYOUT -> {
                            payout = payout.add(e.amount());
                            yield false;
                        }
                        case EXCESS_RETURNED -> {
                            returned = (returned == null ? BigInteger.ZERO : returned).add(e.amount());
                            yield false;
                        }
                        case ROLE_TRANSFERRED -> {
                            transfers.add(new OptionLife.Transfer(
                                    e.at().txHash(),
                                    e.at().blockNumber(),
                                    timed.time(),
                                    e.from(),
                                    e.to(),
                                    e.isBuyer()));
                            yield false;
                        }
                        case SPLIT -> {
                            OptionEvents.SplitOff off = e.splitOff();
                            splits.add(new OptionLife.Split(
                                    e.at().txHash(),
                                    e.at().blockNumber(),
                                    timed.time(),
                                    e.newOption(),
                                    e.amount(),
                                    off == null ? null : off.contracts(),
                                    off == null ? null : off.buyer(),
                                    off == null ? null : off.seller(),
                                    transfers.size()));
                            yield false;
                        }
                    };
            if (ends) {
                endTx = e.at().txHash();
                endBlock = e.at().blockNumber();
                endTime = timed.time();
            }
        }
        return new OptionLife(option, end, price, payout, returned, endTx, endBlock, endTime, transfers, splits);
    }
}
