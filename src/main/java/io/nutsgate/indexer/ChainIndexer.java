package io.nutsgate.indexer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.jobs.SingleInstanceJobs;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.rpc.ChainAccess;
import io.nutsgate.rpc.Rpc;
import io.nutsgate.rpc.RpcException;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.trades.ChainTrades;
import io.nutsgate.trades.TradeRecordedEvent;
import io.nutsgate.trades.TradeRemovedEvent;
import io.nutsgate.trades.TradeView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Our reader of the active OptionBook: {@code OrderFilled} and {@code ReferralFeePaid} of the book and the clones'
 * {@code OptionInitialized} from the deployment block on, in bounded {@code eth_getLogs} windows (halved when the
 * provider refuses the range or result size, doubled back after a success).
 *
 * <p>A batch reads the cursor, then the window from the node with no database connection held: the logs, then in the
 * same pass the headers of the window's first and last block and of every block with a log. A log whose block hash
 * is not its header's (a reorg between the two reads) makes it read the window again. Then one short transaction
 * locks the cursor row ({@code FOR UPDATE SKIP LOCKED}) and writes rows, block hashes, trades and cursor together,
 * unless another instance holds the lock or moved the cursor meanwhile (then this one is a follower and writes
 * nothing). Every insert is idempotent on (chain id, tx hash, log index), so a crash at any point loses and
 * duplicates nothing. Fills and trades are {@code seen}, then {@code confirmed} once {@code confirmations} deep, never
 * above the cursor; a {@code seen} trade at or below the cursor that the indexer did not read (recorded from a
 * receipt) is removed. A reorg is found by the parent hash of the next block not matching the stored hash of the
 * cursor block: everything above the highest stored block whose hash still matches is deleted (trades too, confirmed
 * or not, published as {@link TradeRemovedEvent}) and read again. A log that cannot be decoded is skipped and counted.
 * Each batch holds the {@value #JOB} job's lock ({@link SingleInstanceJobs}, a lease longer than a batch), so one
 * instance reads at a time; the cursor row lock stays the fence against a leader whose lease ran out. Each option's
 * own events (expiry, settlement, payout, transfer, close) are read in the same windows by {@link OptionLifecycle}.
 * See docs/chain-indexer.md.
 */
@Component
public class ChainIndexer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChainIndexer.class);
    /** Stored block hashes kept below the cursor, beyond the confirmation depth. */
    private static final int REORG_HORIZON = 256;

    static final String JOB = "chain-indexer";

    /** What the indexer knows, for {@code GET /nuts/indexer} and the metrics. */
    public record Status(
            boolean enabled,
            boolean leader,
            Long headBlock,
            Instant headTime,
            Long indexedBlock,
            Instant indexedTime,
            String lastError,
            Instant lastErrorAt,
            long skippedLogs,
            long reorgs) {}

    private final ChainAccess chain;
    private final IndexerStore store;
    private final ChainTrades trades;
    private final OptionLifecycle lifecycle;
    private final SingleInstanceJobs jobs;
    private final ObservationRegistry observations;
    private final TaskScheduler scheduler;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final NutsProperties properties;
    private final Deployment deployment;
    private final String book;
    private final Clock clock;
    private final Counter logsRead;
    private final Counter logsSkipped;
    private final Counter reorgCounter;
    private final Counter midReadReorgs;

    private volatile int window;
    private volatile ScheduledFuture<?> scheduled;
    private long ticks;
    private volatile boolean running;
    private volatile boolean leader;
    private volatile Long headBlock;
    private volatile Instant headTime;
    private volatile Long indexedBlock;
    private volatile Instant indexedTime;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    ChainIndexer(
            ChainAccess chain,
            IndexerStore store,
            ChainTrades trades,
            OptionLifecycle lifecycle,
            TransactionTemplate transaction,
            SingleInstanceJobs jobs,
            ApplicationEventPublisher events,
            NutsProperties properties,
            Platform platform,
            Clock clock,
            MeterRegistry meters,
            ObservationRegistry observations,
            TaskScheduler scheduler) {
        this.chain = chain;
        this.store = store;
        this.trades = trades;
        this.lifecycle = lifecycle;
        this.jobs = jobs;
        this.observations = observations;
        this.scheduler = scheduler;
        this.transaction = transaction;
        this.events = events;
        this.properties = properties;
        this.deployment = platform.deployment();
        this.book = deployment.optionBook().toLowerCase(Locale.ROOT);
        this.clock = clock;
        this.window = properties.chain().maxBlockRange();
        this.logsRead = Counter.builder("nuts.indexer.logs")
                .description("logs read by the chain indexer")
                .register(meters);
        this.logsSkipped = Counter.builder("nuts.indexer.logs.skipped")
                .description("logs the chain indexer could not decode or use")
                .register(meters);
        this.reorgCounter = Counter.builder("nuts.indexer.reorgs")
                .description("reorgs the chain indexer rolled back")
                .register(meters);
        this.midReadReorgs = Counter.builder("nuts.indexer.reorgs.mid.read")
                .description("windows read again because a block changed between eth_getLogs and its header")
                .register(meters);
        Gauge.builder("nuts.indexer.head.block", () -> value(headBlock)).register(meters);
        Gauge.builder("nuts.indexer.indexed.block", () -> value(indexedBlock)).register(meters);
        Gauge.builder("nuts.indexer.lag.blocks", () -> value(lagBlocks())).register(meters);
        Gauge.builder("nuts.indexer.lag.seconds", () -> value(lagSeconds())).register(meters);
        Gauge.builder("nuts.indexer.leader", () -> leader ? 1 : 0).register(meters);
    }

    public Status status() {
        return new Status(
                chain.enabled() && properties.chain().indexerEnabled(),
                leader,
                headBlock,
                headTime,
                indexedBlock,
                indexedTime,
                lastError,
                lastErrorAt,
                (long) logsSkipped.count(),
                (long) reorgCounter.count());
    }

    Long lagBlocks() {
        Long head = headBlock;
        Long indexed = indexedBlock;
        return head == null || indexed == null ? null : Math.max(0, head - indexed);
    }

    Long lagSeconds() {
        Instant head = headTime;
        Instant indexed = indexedTime;
        return head == null || indexed == null ? null : Math.max(0, head.getEpochSecond() - indexed.getEpochSecond());
    }

    /** What one call of {@link #runOnce()} did. */
    public enum Outcome {
        FOLLOWER,
        CAUGHT_UP,
        PROGRESSED,
        REORG,
        RETRY_SMALLER,
        /** A log's block hash was not its block's header hash read in the same pass: a reorg mid-read. */
        REORG_MID_READ
    }

    /** Consecutive mid-read mismatches of one window after which its mismatching logs are skipped as poison. */
    private static final int MID_READ_RETRIES = 3;

    private int midReadMisses;
    private long midReadFrom = -1;

    /**
     * One batch: reads the next window (or finds a reorg's fork) from the node with no database connection held, then
     * writes it in one short transaction that starts by locking the cursor; the write is dropped when the cursor
     * moved since it was read (another instance wrote). Throws on RPC failure.
     */
    public Outcome runOnce() {
        Rpc rpc = chain.require();
        chain.checkChainId();
        long chainId = deployment.chainId();
        store.createCursor(chainId, book, Math.max(0, deployment.deploymentBlock()), clock.instant());
        IndexerStore.Cursor cursor = store.readCursor(chainId, book).orElseThrow();
        Rpc.Header head = rpc.latestHeader();
        headBlock = head.number();
        headTime = Instant.ofEpochSecond(head.timestamp());
        long from = cursor.indexedBlock() + 1;
        // confirmations never reach past what this indexer has read and hash-checked
        long confirmedUpTo = Math.min(
                cursor.indexedBlock(), head.number() - properties.chain().confirmations());
        if (from > head.number()) {
            // Caught up, but a reorg that did not lengthen the chain replaced the very block we stand on: roll back
            // now rather than when the next block shows the new parent hash.
            if (cursor.indexedHash() != null
                    && head.number() == cursor.indexedBlock()
                    && !head.hash().equalsIgnoreCase(cursor.indexedHash())) {
                return rollBack(rpc, chainId, cursor);
            }
            return write(chainId, cursor, Outcome.CAUGHT_UP, published -> {
                confirm(chainId, cursor.indexedBlock(), confirmedUpTo, clock.instant(), published);
                indexedBlock = cursor.indexedBlock();
                indexedTime = cursor.indexedTime();
            });
        }
        if (cursor.indexedHash() != null) {
            Rpc.Header first = rpc.header(from);
            if (!first.parentHash().equalsIgnoreCase(cursor.indexedHash())) {
                return rollBack(rpc, chainId, cursor);
            }
        }
        long to = Math.min(head.number(), from + window - 1);
        Window read;
        try {
            read = readWindow(rpc, cursor, from, to);
        } catch (RpcException e) {
            if (e.rangeTooLarge() && to > from) {
                window = (int) Math.max(1, (to - from + 1) / 2);
                log.info(
                        "the RPC provider refused blocks {}..{} ({}); window now {}", from, to, e.getMessage(), window);
                return Outcome.RETRY_SMALLER;
            }
            throw e;
        }
        if (read == null) {
            return Outcome.REORG_MID_READ;
        }
        Outcome outcome =
                write(chainId, cursor, Outcome.PROGRESSED, published -> store(chainId, head, read, published));
        if (outcome == Outcome.PROGRESSED) {
            window = Math.min(properties.chain().maxBlockRange(), window * 2);
        }
        return outcome;
    }

    /** What one window holds, read and hash-checked in one pass, ready to write. */
    private record Window(
            long from,
            long to,
            Rpc.Header last,
            Map<Long, Rpc.Header> headers,
            List<BookEvents.OrderFilled> fills,
            List<BookEvents.ReferralFeePaid> referralFees,
            Map<String, BookEvents.OptionInitialized> inits,
            Map<String, String> implementations,
            Set<String> followed,
            List<Log> lifecycleLogs) {}

    /**
     * Reads the logs of {@code from..to}, then the headers of the window's first and last block and of every block
     * with a log. A log naming a block outside the window, or that cannot be decoded, is skipped and counted. A log
     * whose block hash is not its block's header hash, a missing header or a first block whose parent is not the
     * cursor's block means the chain changed while we read: null (read the window again). After
     * {@value #MID_READ_RETRIES} such reads of the same window in a row the mismatching logs are skipped as poison,
     * so no answer of the node stops the indexer.
     */
    private Window readWindow(Rpc rpc, IndexerStore.Cursor cursor, long from, long to) {
        List<Log> bookLogs = rpc.logs(
                from, to, book, List.of(List.of(BookEvents.ORDER_FILLED_TOPIC, BookEvents.REFERRAL_FEE_PAID_TOPIC)));
        boolean anyFill = bookLogs.stream().anyMatch(l -> BookEvents.ORDER_FILLED_TOPIC.equals(BookEvents.topic0(l)));
        List<Log> initLogs = anyFill
                ? rpc.logs(
                        from,
                        to,
                        null,
                        java.util.Arrays.asList(
                                List.of(BookEvents.OPTION_INITIALIZED_TOPIC),
                                null,
                                null,
                                List.of("0x" + TypeEncoder.encode(new Address(book)))))
                : List.of();
        List<Log> lifecycleLogs = lifecycle.read(rpc, from, to);
        logsRead.increment(bookLogs.size() + initLogs.size() + lifecycleLogs.size());

        List<BookEvents.OrderFilled> fills = new ArrayList<>();
        List<BookEvents.ReferralFeePaid> referralFees = new ArrayList<>();
        List<BookEvents.LogRef> initRefs = new ArrayList<>();
        List<BookEvents.OptionInitialized> initValues = new ArrayList<>();
        for (Log l : bookLogs) {
            try {
                if (!book.equalsIgnoreCase(l.getAddress())) {
                    throw new BookEvents.BadLogException("a log of " + l.getAddress() + ", not of the book");
                }
                String topic = BookEvents.topic0(l);
                if (topic.equals(BookEvents.ORDER_FILLED_TOPIC)) {
                    fills.add(BookEvents.orderFilled(l));
                } else if (topic.equals(BookEvents.REFERRAL_FEE_PAID_TOPIC)) {
                    referralFees.add(BookEvents.referralFeePaid(l));
                }
            } catch (BookEvents.BadLogException | ArithmeticException e) {
                skip(l.getTransactionHash(), e.getMessage());
            }
        }
        for (Log l : initLogs) {
            try {
                BookEvents.LogRef at = BookEvents.LogRef.of(l);
                initValues.add(BookEvents.optionInitialized(l));
                initRefs.add(at);
            } catch (BookEvents.BadLogException | ArithmeticException e) {
                skip(l.getTransactionHash(), e.getMessage());
            }
        }
        fills.removeIf(f -> outside(f.at(), from, to));
        referralFees.removeIf(r -> outside(r.at(), from, to));
        for (int i = initRefs.size() - 1; i >= 0; i--) {
            if (outside(initRefs.get(i), from, to)) {
                initRefs.remove(i);
                initValues.remove(i);
            }
        }

        Set<Long> blocks = new HashSet<>();
        blocks.add(from);
        blocks.add(to);
        fills.forEach(f -> blocks.add(f.at().blockNumber()));
        referralFees.forEach(r -> blocks.add(r.at().blockNumber()));
        initRefs.forEach(p -> blocks.add(p.blockNumber()));
        blocks.addAll(OptionLifecycle.blocks(lifecycleLogs));
        Map<Long, Rpc.Header> headers = rpc.headers(blocks);

        boolean lastTry = midReadFrom == from && midReadMisses + 1 >= MID_READ_RETRIES;
        Rpc.Header first = headers.get(from);
        Rpc.Header last = headers.get(to);
        boolean changed = first == null
                || last == null
                || (cursor.indexedHash() != null && !first.parentHash().equalsIgnoreCase(cursor.indexedHash()));
        List<BookEvents.LogRef> mismatched = new ArrayList<>();
        fills.forEach(f -> mismatch(f.at(), headers, mismatched));
        referralFees.forEach(r -> mismatch(r.at(), headers, mismatched));
        initRefs.forEach(p -> mismatch(p, headers, mismatched));
        for (Log l : lifecycleLogs) {
            try {
                mismatch(BookEvents.LogRef.of(l), headers, mismatched);
            } catch (BookEvents.BadLogException | ArithmeticException e) {
                // OptionLifecycle skips and counts what it cannot decode
            }
        }
        if (changed || (!mismatched.isEmpty() && !lastTry)) {
            midReadMisses = midReadFrom == from ? midReadMisses + 1 : 1;
            midReadFrom = from;
            midReadReorgs.increment();
            log.info(
                    "blocks {}..{} changed while they were read ({} logs of other blocks): reading them again",
                    from,
                    to,
                    mismatched.size());
            return null;
        }
        midReadMisses = 0;
        midReadFrom = -1;
        if (!mismatched.isEmpty()) {
            Set<BookEvents.LogRef> poison = Set.copyOf(mismatched);
            mismatched.forEach(p -> skip(
                    p.txHash(),
                    "block hash " + p.blockHash() + " is not block " + p.blockNumber() + "'s, " + MID_READ_RETRIES
                            + " reads in a row"));
            fills.removeIf(f -> poison.contains(f.at()));
            referralFees.removeIf(r -> poison.contains(r.at()));
            for (int i = initRefs.size() - 1; i >= 0; i--) {
                if (poison.contains(initRefs.get(i))) {
                    initRefs.remove(i);
                    initValues.remove(i);
                }
            }
        }
        Map<String, BookEvents.OptionInitialized> inits = new HashMap<>();
        initValues.forEach(init -> inits.put(init.option(), init));

        String referrer =
                properties.hasReferrer() ? properties.referrerAddress().toLowerCase(Locale.ROOT) : null;
        List<BookEvents.OrderFilled> ours =
                fills.stream().filter(f -> f.referrer().equals(referrer)).toList();
        Map<String, String> implementations = ours.isEmpty()
                ? Map.of()
                : OptionTerms.implementations(
                        rpc, ours.stream().map(BookEvents.OrderFilled::option).toList());
        Set<String> makers = new HashSet<>();
        ours.forEach(f -> makers.add(f.maker()));
        Set<String> followed = trades.followed(makers);
        if (!mismatched.isEmpty()) {
            Set<String> poisonTx = new HashSet<>();
            mismatched.forEach(p -> poisonTx.add(p.txHash()));
            lifecycleLogs = lifecycleLogs.stream()
                    .filter(l -> !poisonTx.contains(l.getTransactionHash()))
                    .toList();
        }
        return new Window(
                from, to, last, headers, fills, referralFees, inits, implementations, followed, lifecycleLogs);
    }

    private boolean outside(BookEvents.LogRef at, long from, long to) {
        if (at.blockNumber() < from || at.blockNumber() > to) {
            skip(at.txHash(), "block " + at.blockNumber() + " is outside the window " + from + ".." + to);
            return true;
        }
        return false;
    }

    private static void mismatch(
            BookEvents.LogRef at, Map<Long, Rpc.Header> headers, List<BookEvents.LogRef> mismatched) {
        Rpc.Header h = headers.get(at.blockNumber());
        if (h == null || !h.hash().equalsIgnoreCase(at.blockHash())) {
            mismatched.add(at);
        }
    }

    /** Writes a window read by {@link #readWindow}: rows, block hashes, trades, cursor, confirmations. */
    private void store(long chainId, Rpc.Header head, Window w, List<Object> published) {
        Instant now = clock.instant();
        long confirmedUpTo = Math.min(w.to(), head.number() - properties.chain().confirmations());
        String referrer =
                properties.hasReferrer() ? properties.referrerAddress().toLowerCase(Locale.ROOT) : null;
        Map<Long, String> hashes = new TreeMap<>();
        List<ChainTrades.ChainTrade> tradeRows = new ArrayList<>();
        for (BookEvents.OrderFilled f : w.fills()) {
            Rpc.Header h = w.headers().get(f.at().blockNumber());
            Instant time = Instant.ofEpochSecond(h.timestamp());
            boolean confirmed = f.at().blockNumber() <= confirmedUpTo;
            BookEvents.OptionInitialized init = w.inits().get(f.option());
            store.insertFill(chainId, f, time, init == null ? null : init.collateralToken(), confirmed);
            hashes.put(h.number(), h.hash());
            if (f.referrer().equals(referrer)) {
                try {
                    tradeRows.addAll(OptionTerms.trades(
                            f, init, w.implementations().get(f.option()), deployment, w.followed(), time, confirmed));
                } catch (BookEvents.BadLogException | ArithmeticException e) {
                    skip(f.at().txHash(), e.getMessage());
                }
            }
        }
        for (BookEvents.ReferralFeePaid r : w.referralFees()) {
            Rpc.Header h = w.headers().get(r.at().blockNumber());
            store.insertReferralFee(chainId, r, Instant.ofEpochSecond(h.timestamp()));
            hashes.put(h.number(), h.hash());
        }
        Rpc.Header last = w.last();
        hashes.put(last.number(), last.hash());
        store.saveBlocks(chainId, hashes);
        for (TradeView t : trades.record(tradeRows, now)) {
            published.add(
                    new TradeRecordedEvent(t, t.confirmation() == null ? TradeRecordedEvent.SEEN : t.confirmation()));
        }
        lifecycle.index(
                chainId,
                w.fills(),
                w.lifecycleLogs(),
                w.headers(),
                confirmedUpTo,
                Instant.ofEpochSecond(last.timestamp()),
                now,
                published);
        store.moveCursor(chainId, book, w.to(), last.hash(), Instant.ofEpochSecond(last.timestamp()), now);
        confirm(chainId, w.to(), confirmedUpTo, now, published);
        store.pruneBlocks(chainId, w.to() - properties.chain().confirmations() - REORG_HORIZON);
        indexedBlock = w.to();
        indexedTime = Instant.ofEpochSecond(last.timestamp());
        if (!w.fills().isEmpty()) {
            log.debug(
                    "indexed blocks {}..{}: {} fills, {} trades",
                    w.from(),
                    w.to(),
                    w.fills().size(),
                    tradeRows.size());
        }
    }

    /**
     * Up to the cursor {@code indexed}: removes the {@code seen} trades the indexer did not read (a receipt's fill
     * from a block a reorg replaced, or not the chain's log), then confirms fills and trades up to
     * {@code confirmedUpTo} (never above the cursor).
     */
    private void confirm(long chainId, long indexed, long confirmedUpTo, Instant now, List<Object> published) {
        for (TradeView t : trades.removeUnread(chainId, indexed, now)) {
            published.add(new TradeRemovedEvent(t));
        }
        long upTo = Math.min(indexed, confirmedUpTo);
        store.confirmUpTo(chainId, upTo);
        for (TradeView t : trades.confirmUpTo(chainId, upTo, now)) {
            published.add(new TradeRecordedEvent(t, TradeRecordedEvent.CONFIRMED));
        }
    }

    /**
     * Writes in one short transaction that first locks the cursor row; nothing is written (and {@link Outcome#FOLLOWER}
     * returned) when another instance holds the lock or moved the cursor since {@code read} was read. Events are
     * published after the commit.
     */
    private Outcome write(
            long chainId, IndexerStore.Cursor read, Outcome outcome, java.util.function.Consumer<List<Object>> writes) {
        List<Object> published = new ArrayList<>();
        Outcome result = transaction.execute(tx -> {
            Optional<IndexerStore.Cursor> locked = store.lockCursor(chainId, book);
            if (locked.isEmpty() || !locked.get().equals(read)) {
                return Outcome.FOLLOWER;
            }
            writes.accept(published);
            return outcome;
        });
        leader = result != Outcome.FOLLOWER;
        if (result == Outcome.FOLLOWER) {
            published.clear();
            store.readCursor(chainId, book).ifPresent(c -> {
                indexedBlock = c.indexedBlock();
                indexedTime = c.indexedTime();
            });
        }
        published.forEach(events::publishEvent);
        return result;
    }

    /**
     * Finds the highest stored block still on the canonical chain (headers read in batches, newest first, no database
     * connection held), then deletes everything above it, trades included whether confirmed or not.
     */
    private Outcome rollBack(Rpc rpc, long chainId, IndexerStore.Cursor cursor) {
        long fork = Math.max(0, deployment.deploymentBlock()) - 1;
        String forkHash = null;
        Instant forkTime = null;
        List<Map.Entry<Long, String>> stored = store.blocksDescending(chainId, 10_000);
        search:
        for (int i = 0; i < stored.size(); i += Rpc.MAX_BATCH) {
            List<Map.Entry<Long, String>> part = stored.subList(i, Math.min(stored.size(), i + Rpc.MAX_BATCH));
            Map<Long, Rpc.Header> canonical =
                    rpc.headers(part.stream().map(Map.Entry::getKey).toList());
            for (Map.Entry<Long, String> block : part) {
                Rpc.Header h = canonical.get(block.getKey());
                if (h != null && h.hash().equalsIgnoreCase(block.getValue())) {
                    fork = block.getKey();
                    forkHash = block.getValue();
                    forkTime = Instant.ofEpochSecond(h.timestamp());
                    break search;
                }
            }
        }
        long forkBlock = fork;
        String hash = forkHash;
        Instant time = forkTime;
        int[] counts = new int[2];
        Outcome outcome = write(chainId, cursor, Outcome.REORG, published -> {
            Instant now = clock.instant();
            counts[0] = store.deleteAbove(chainId, forkBlock);
            List<TradeView> removed = trades.removeAbove(forkBlock, now);
            counts[1] = removed.size();
            store.moveCursor(chainId, book, forkBlock, hash, time, now);
            removed.forEach(t -> published.add(new TradeRemovedEvent(t)));
            lifecycle.rollBack(
                    chainId, forkBlock, forkBlock - properties.chain().confirmations(), now, published);
            indexedBlock = forkBlock;
            indexedTime = time;
        });
        if (outcome == Outcome.REORG) {
            reorgCounter.increment();
            log.warn(
                    "reorg below block {} (cursor {}): rolled back to {}, {} fills and {} trades removed, reading again",
                    cursor.indexedBlock() + 1,
                    cursor.indexedBlock(),
                    forkBlock,
                    counts[0],
                    counts[1]);
        }
        return outcome;
    }

    private void skip(String txHash, String why) {
        logsSkipped.increment();
        log.warn("skipping a log of tx {}: {}", txHash, why);
    }

    /** Gives trades synced without {@code implementationName} their product from the option clone. */
    void fillMissingProducts() {
        Rpc rpc = chain.require();
        List<String> options = trades.optionsWithoutProduct(100);
        if (options.isEmpty()) {
            return;
        }
        Map<String, String> implementations = OptionTerms.implementations(rpc, options);
        Instant now = clock.instant();
        implementations.forEach((option, implementation) -> deployment
                .product(implementation)
                .ifPresent(p -> trades.setProduct(option, p.name(), p.isCall(), now)));
    }

    /**
     * One tick on the task scheduler: batches until caught up (or a batch fails), each holding the job's lock and in a
     * span of its own, then the next tick after {@code pollInterval}. RPC calls were already retried (Resilience4j,
     * {@code NUTS_RPC_RETRY_*}) and the breaker stops calling a failing node: a failed batch is read again from the
     * cursor at the next tick.
     */
    private void tick() {
        Duration next = properties.chain().pollInterval();
        try {
            while (running && !Thread.currentThread().isInterrupted()) {
                Outcome outcome = jobs.callAlone(JOB, properties.jobs().indexerLease(), this::observedBatch)
                        .orElse(Outcome.FOLLOWER);
                if (outcome == Outcome.FOLLOWER) {
                    leader = false;
                }
                if (ticks++ % 20 == 0 && leader) {
                    fillMissingProducts();
                }
                boolean more = outcome == Outcome.PROGRESSED
                        && indexedBlock != null
                        && headBlock != null
                        && indexedBlock < headBlock;
                if (outcome != Outcome.RETRY_SMALLER
                        && outcome != Outcome.REORG
                        && !(outcome == Outcome.REORG_MID_READ && midReadMisses < MID_READ_RETRIES)
                        && !more) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            lastErrorAt = clock.instant();
            log.warn("chain indexer batch failed, read again from the cursor: {}", e.getMessage());
            next = properties.chain().pollInterval();
        }
        if (running) {
            scheduled = scheduler.schedule(
                    this::tick, scheduler.getClock().instant().plus(next));
        }
    }

    /** A span per batch, parent of its RPC requests. */
    private Outcome observedBatch() {
        return Observation.createNotStarted("nuts.indexer.batch", observations)
                .contextualName("indexer batch")
                .observe(this::runOnce);
    }

    @Override
    public void start() {
        if (!chain.enabled() || !properties.chain().indexerEnabled()) {
            return;
        }
        running = true;
        scheduled = scheduler.schedule(this::tick, scheduler.getClock().instant());
        log.info(
                "chain indexer on {} from block {}, {} confirmations",
                book,
                deployment.deploymentBlock(),
                properties.chain().confirmations());
    }

    @Override
    public void stop() {
        running = false;
        ScheduledFuture<?> next = scheduled;
        scheduled = null;
        if (next != null) {
            // A batch under way finishes and commits (its writes are one short transaction); no interrupt, which JDBC
            // would see.
            next.cancel(false);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static double value(Long v) {
        return v == null ? Double.NaN : v;
    }
}
