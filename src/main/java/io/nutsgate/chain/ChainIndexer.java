package io.nutsgate.chain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.system.NutsProperties;
import io.nutsgate.system.SingleInstanceJobs;
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
 * {@code OptionInitialized} and lifecycle events ({@link OptionLifecycle}) from the deployment block on, in bounded {@code eth_getLogs} windows (halved when the
 * provider refuses the range or result size, doubled back after a success).
 *
 * <p>One batch runs on one instance at a time (the {@value #JOB} job's lock, {@link SingleInstanceJobs}, taken per
 * batch); an instance that does not get it is a follower and writes nothing. One batch is one transaction, which also
 * locks the cursor row ({@code FOR UPDATE SKIP LOCKED}) as a fence: a stale leader whose lease ran out mid-batch still
 * holds the row, so the next leader finds it locked and writes nothing until that transaction ends. Rows, block
 * hashes and cursor commit together; every insert is idempotent on (chain id, tx hash, log index), so a crash at any
 * point loses and duplicates nothing. Fills less than
 * {@code confirmations} deep are {@code seen}, then {@code confirmed}. A reorg is found by the parent hash of the next
 * block not matching the stored hash of the cursor block: everything above the highest stored block whose hash still
 * matches is deleted (trades too, published as {@link TradeRemovedEvent}) and read again.
 */
@Component
class ChainIndexer implements SmartLifecycle {

    static final String JOB = "chain-indexer";
    private static final Logger log = LoggerFactory.getLogger(ChainIndexer.class);
    /** Stored block hashes kept below the cursor, beyond the confirmation depth. */
    private static final int REORG_HORIZON = 256;

    /** What the indexer knows, for {@code GET /nuts/indexer} and the metrics. */
    record Status(
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

    private final ObservationRegistry observations;
    private final ChainAccess chain;
    private final IndexerStore store;
    private final ChainTrades trades;
    private final OptionLifecycle lifecycle;
    private final TransactionTemplate transaction;
    private final SingleInstanceJobs jobs;
    private final ApplicationEventPublisher events;
    private final NutsProperties properties;
    private final Deployment deployment;
    private final String book;
    private final Clock clock;
    private final Counter logsRead;
    private final Counter logsSkipped;
    private final Counter reorgCounter;

    private final TaskScheduler scheduler;

    private volatile int window;
    private volatile ScheduledFuture<?> scheduled;
    private volatile boolean running;
    private long ticks;
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
        this.observations = observations;
        this.scheduler = scheduler;
        this.chain = chain;
        this.store = store;
        this.trades = trades;
        this.lifecycle = lifecycle;
        this.transaction = transaction;
        this.jobs = jobs;
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
        Gauge.builder("nuts.indexer.head.block", () -> value(headBlock)).register(meters);
        Gauge.builder("nuts.indexer.indexed.block", () -> value(indexedBlock)).register(meters);
        Gauge.builder("nuts.indexer.lag.blocks", () -> value(lagBlocks())).register(meters);
        Gauge.builder("nuts.indexer.lag.seconds", () -> value(lagSeconds())).register(meters);
        Gauge.builder("nuts.indexer.leader", () -> leader ? 1 : 0).register(meters);
    }

    Status status() {
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
    enum Outcome {
        FOLLOWER,
        CAUGHT_UP,
        PROGRESSED,
        REORG,
        RETRY_SMALLER
    }

    /** One batch: reads the next window (or rolls back a reorg) and commits. Throws on RPC failure. */
    Outcome runOnce() {
        Rpc rpc = chain.require();
        chain.checkChainId();
        long chainId = deployment.chainId();
        Rpc.Header head = rpc.latestHeader();
        headBlock = head.number();
        headTime = Instant.ofEpochSecond(head.timestamp());
        store.createCursor(chainId, book, Math.max(0, deployment.deploymentBlock()), clock.instant());
        List<Object> published = new ArrayList<>();
        Outcome outcome = jobs.callAlone(
                        JOB,
                        properties.jobs().indexerLease(),
                        () -> transaction.execute(tx -> {
                            Optional<IndexerStore.Cursor> locked = store.lockCursor(chainId, book);
                            if (locked.isEmpty()) {
                                return Outcome.FOLLOWER;
                            }
                            IndexerStore.Cursor cursor = locked.get();
                            return batch(rpc, chainId, head, cursor, published);
                        }))
                .orElse(Outcome.FOLLOWER);
        leader = outcome != Outcome.FOLLOWER;
        if (outcome == Outcome.FOLLOWER) {
            store.readCursor(chainId, book).ifPresent(c -> {
                indexedBlock = c.indexedBlock();
                indexedTime = c.indexedTime();
            });
        }
        published.forEach(events::publishEvent);
        return outcome;
    }

    private Outcome batch(Rpc rpc, long chainId, Rpc.Header head, IndexerStore.Cursor cursor, List<Object> published) {
        Instant now = clock.instant();
        long from = cursor.indexedBlock() + 1;
        long confirmedUpTo = head.number() - properties.chain().confirmations();
        if (from > head.number()) {
            // Caught up, but a reorg that did not lengthen the chain replaced the very block we stand on: roll back
            // now rather than when the next block shows the new parent hash.
            if (cursor.indexedHash() != null
                    && head.number() == cursor.indexedBlock()
                    && !head.hash().equalsIgnoreCase(cursor.indexedHash())) {
                rollBack(rpc, chainId, cursor, now, published);
                return Outcome.REORG;
            }
            confirm(chainId, confirmedUpTo, now, published);
            indexedBlock = cursor.indexedBlock();
            indexedTime = cursor.indexedTime();
            return Outcome.CAUGHT_UP;
        }
        if (cursor.indexedHash() != null) {
            Rpc.Header first = rpc.header(from);
            if (!first.parentHash().equalsIgnoreCase(cursor.indexedHash())) {
                rollBack(rpc, chainId, cursor, now, published);
                return Outcome.REORG;
            }
        }
        long to = Math.min(head.number(), from + window - 1);
        List<Log> bookLogs;
        List<Log> initLogs;
        List<Log> lifecycleLogs;
        try {
            bookLogs = rpc.logs(
                    from,
                    to,
                    book,
                    List.of(List.of(BookEvents.ORDER_FILLED_TOPIC, BookEvents.REFERRAL_FEE_PAID_TOPIC)));
            boolean anyFill =
                    bookLogs.stream().anyMatch(l -> BookEvents.ORDER_FILLED_TOPIC.equals(BookEvents.topic0(l)));
            initLogs = anyFill
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
            lifecycleLogs = lifecycle.read(rpc, from, to);
        } catch (RpcException e) {
            if (e.rangeTooLarge() && to > from) {
                window = (int) Math.max(1, (to - from + 1) / 2);
                log.info(
                        "the RPC provider refused blocks {}..{} ({}); window now {}", from, to, e.getMessage(), window);
                return Outcome.RETRY_SMALLER;
            }
            throw e;
        }
        logsRead.increment(bookLogs.size() + initLogs.size() + lifecycleLogs.size());

        List<BookEvents.OrderFilled> fills = new ArrayList<>();
        List<BookEvents.ReferralFeePaid> referralFees = new ArrayList<>();
        for (Log l : bookLogs) {
            try {
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
        Map<String, BookEvents.OptionInitialized> inits = new HashMap<>();
        for (Log l : initLogs) {
            try {
                BookEvents.OptionInitialized init = BookEvents.optionInitialized(l);
                inits.put(init.option(), init);
            } catch (BookEvents.BadLogException | ArithmeticException e) {
                skip(l.getTransactionHash(), e.getMessage());
            }
        }

        Set<Long> blocks = new HashSet<>();
        fills.forEach(f -> blocks.add(f.at().blockNumber()));
        referralFees.forEach(r -> blocks.add(r.at().blockNumber()));
        blocks.add(to);
        blocks.addAll(OptionLifecycle.blocks(lifecycleLogs));
        Map<Long, Rpc.Header> headers = rpc.headers(blocks);
        Rpc.Header last = headers.get(to);

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

        Map<Long, String> hashes = new TreeMap<>();
        List<ChainTrades.ChainFill> tradeRows = new ArrayList<>();
        for (BookEvents.OrderFilled f : fills) {
            Rpc.Header h = headers.get(f.at().blockNumber());
            Instant time = Instant.ofEpochSecond(h.timestamp());
            boolean confirmed = f.at().blockNumber() <= confirmedUpTo;
            BookEvents.OptionInitialized init = inits.get(f.option());
            store.insertFill(chainId, f, time, init == null ? null : init.collateralToken(), confirmed);
            hashes.put(h.number(), h.hash().toLowerCase(Locale.ROOT));
            if (f.referrer().equals(referrer)) {
                try {
                    tradeRows.addAll(OptionTerms.trades(
                            f, init, implementations.get(f.option()), deployment, followed, time, confirmed));
                } catch (BookEvents.BadLogException | ArithmeticException e) {
                    skip(f.at().txHash(), e.getMessage());
                }
            }
        }
        for (BookEvents.ReferralFeePaid r : referralFees) {
            Rpc.Header h = headers.get(r.at().blockNumber());
            store.insertReferralFee(chainId, r, Instant.ofEpochSecond(h.timestamp()));
            hashes.put(h.number(), h.hash().toLowerCase(Locale.ROOT));
        }
        hashes.put(last.number(), last.hash().toLowerCase(Locale.ROOT));
        store.saveBlocks(chainId, hashes);
        // a receipt submitted to POST /nuts/fills may have recorded a fill of a block that was then replaced
        for (TradeView t : trades.removeSeenMissing(
                from, to, fills.stream().map(f -> f.at().txHash()).toList(), now)) {
            published.add(new TradeRemovedEvent(t));
        }
        for (TradeView t : trades.record(tradeRows, now)) {
            published.add(
                    new TradeRecordedEvent(t, t.confirmation() == null ? TradeRecordedEvent.SEEN : t.confirmation()));
        }
        lifecycle.index(
                chainId,
                fills,
                lifecycleLogs,
                headers,
                confirmedUpTo,
                Instant.ofEpochSecond(last.timestamp()),
                now,
                published);
        store.moveCursor(
                chainId, book, to, last.hash().toLowerCase(Locale.ROOT), Instant.ofEpochSecond(last.timestamp()), now);
        confirm(chainId, confirmedUpTo, now, published);
        store.pruneBlocks(chainId, to - properties.chain().confirmations() - REORG_HORIZON);
        indexedBlock = to;
        indexedTime = Instant.ofEpochSecond(last.timestamp());
        window = Math.min(properties.chain().maxBlockRange(), window * 2);
        if (!fills.isEmpty()) {
            log.debug("indexed blocks {}..{}: {} fills, {} trades", from, to, fills.size(), tradeRows.size());
        }
        return Outcome.PROGRESSED;
    }

    private void confirm(long chainId, long upTo, Instant now, List<Object> published) {
        store.confirmUpTo(chainId, upTo);
        for (TradeView t : trades.confirmUpTo(upTo, now)) {
            published.add(new TradeRecordedEvent(t, TradeRecordedEvent.CONFIRMED));
        }
    }

    /** Finds the highest stored block still on the canonical chain and deletes everything above it. */
    private void rollBack(Rpc rpc, long chainId, IndexerStore.Cursor cursor, Instant now, List<Object> published) {
        long fork = Math.max(0, deployment.deploymentBlock()) - 1;
        String forkHash = null;
        Instant forkTime = null;
        for (Map.Entry<Long, String> stored : store.blocksDescending(chainId, 10_000)) {
            Rpc.Header canonical = rpc.header(stored.getKey());
            if (canonical.hash().equalsIgnoreCase(stored.getValue())) {
                fork = stored.getKey();
                forkHash = stored.getValue();
                forkTime = Instant.ofEpochSecond(canonical.timestamp());
                break;
            }
        }
        int fills = store.deleteAbove(chainId, fork);
        List<TradeView> removed = trades.removeAbove(fork, now);
        store.moveCursor(chainId, book, fork, forkHash, forkTime, now);
        removed.forEach(t -> published.add(new TradeRemovedEvent(t)));
        lifecycle.rollBack(chainId, fork, fork - properties.chain().confirmations(), now, published);
        reorgCounter.increment();
        indexedBlock = fork;
        indexedTime = forkTime;
        log.warn(
                "reorg below block {} (cursor {}): rolled back to {}, {} fills and {} trades removed, reading again",
                cursor.indexedBlock() + 1,
                cursor.indexedBlock(),
                fork,
                fills,
                removed.size());
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
     * One tick on the task scheduler: batches until caught up (or a batch fails), then the next tick after
     * {@code pollInterval} ({@code errorBackoff} after a failure).
     */
    private void tick() {
        Duration next = properties.chain().pollInterval();
        try {
            while (running && !Thread.currentThread().isInterrupted()) {
                // a span per batch, parent of its RPC requests
                Outcome outcome = Observation.createNotStarted("nuts.indexer.batch", observations)
                        .contextualName("indexer batch")
                        .observe(this::runOnce);
                if (ticks++ % 20 == 0 && leader) {
                    fillMissingProducts();
                }
                boolean more = outcome == Outcome.PROGRESSED
                        && indexedBlock != null
                        && headBlock != null
                        && indexedBlock < headBlock;
                if (outcome != Outcome.RETRY_SMALLER && outcome != Outcome.REORG && !more) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            lastErrorAt = clock.instant();
            log.warn("chain indexer batch failed, retrying from the cursor: {}", e.getMessage());
            next = properties.chain().errorBackoff();
        }
        if (running) {
            scheduled = scheduler.schedule(
                    this::tick, scheduler.getClock().instant().plus(next));
        }
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
            // A batch under way finishes and commits (rows, blocks and cursor in one transaction); no interrupt,
            // which JDBC would see.
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
