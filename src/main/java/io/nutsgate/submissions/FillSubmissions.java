package io.nutsgate.submissions;

import static io.nutsgate.common.SqlValues.utc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.indexer.BookEvents;
import io.nutsgate.indexer.IndexerStore;
import io.nutsgate.indexer.OptionTerms;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.ratelimit.RateLimiter;
import io.nutsgate.ratelimit.RateLimiters;
import io.nutsgate.rpc.ChainAccess;
import io.nutsgate.rpc.Rpc;
import io.nutsgate.rpc.RpcException;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.trades.ChainTrades;
import io.nutsgate.trades.TradeRecordedEvent;
import io.nutsgate.trades.TradeView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Fills the frontend reports right after {@code sendTransaction} ({@code POST /nuts/fills}, and {@code fill:submitted}
 * over the socket through {@link #submit}): the receipts of the pending submissions are read in one JSON-RPC batch
 * every {@code NUTS_FILLS_RECEIPT_POLL_INTERVAL} (at most {@code NUTS_FILLS_RECEIPTS_PER_POLL} per poll, the newest
 * submissions first; one not found yet is asked again after twice the previous wait, up to
 * {@code NUTS_FILLS_RECEIPT_MAX_POLL_INTERVAL}) for up to {@code NUTS_FILLS_RECEIPT_TIMEOUT}. Its {@code OrderFilled}
 * logs of our OptionBook are recorded as trades ({@code seen}, with the same terms the indexer would give them) and a
 * {@link TradeRecordedEvent} is published at once, before the indexer's batch reaches the block. A receipt of a block
 * the indexer has already read must match the fill the indexer read there (else it failed: a reorg replaced it, or
 * it is not the chain's log); one of a later block is checked when the indexer reads its block, and removed then if
 * it does not match. Bounded: {@code NUTS_FILLS_PER_MINUTE} submissions per client, at most
 * {@code NUTS_FILLS_MAX_PENDING_PER_CLIENT} pending per client and {@code NUTS_FILLS_MAX_PENDING} in all
 * ({@code TOO_MANY_PENDING_FILLS}); ended entries are deleted after {@code NUTS_FILLS_RETENTION}. One entry per
 * transaction: a second submission answers the first one's state. A receipt without an {@code OrderFilled} of our
 * book, a reverted transaction or no receipt in time ends the entry {@code failed} with an error the client can show.
 */
@Service
public class FillSubmissions implements DisposableBean {

    /** Where a submitted fill stands. */
    public enum State {
        PENDING,
        RECORDED,
        FAILED
    }

    /** One submitted transaction: its state, why it failed, and the trades it recorded. */
    public record Submission(
            String txHash, State state, String error, List<TradeView> trades, Instant createdAt, Instant updatedAt) {}

    private static final Logger log = LoggerFactory.getLogger(FillSubmissions.class);
    private static final Pattern TX_HASH = Pattern.compile("^0[xX][0-9a-fA-F]{64}$");

    /**
     * A submission this instance reads receipts for: whose it is, until when and when it is asked next (both
     * {@code System.nanoTime()}: scheduling is monotonic, not the business clock), the next wait, and how often it was
     * asked.
     */
    private record Pending(String client, long deadline, long due, Duration backoff, int asked) {}

    private final ChainAccess chain;
    private final ChainTrades trades;
    private final IndexerStore indexerStore;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final NutsProperties properties;
    private final NutsProperties.Submissions limits;
    private final Deployment deployment;
    private final String book;
    private final Clock clock;
    private final RateLimiter perClient;
    private final ScheduledFuture<?> poller;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Counter refused;
    private volatile long lastPrune;
    private volatile boolean pruned;

    FillSubmissions(
            ChainAccess chain,
            ChainTrades trades,
            IndexerStore indexerStore,
            JdbcClient jdbc,
            TransactionTemplate transaction,
            ApplicationEventPublisher events,
            NutsProperties properties,
            Platform platform,
            Clock clock,
            RateLimiters limiters,
            MeterRegistry meters,
            TaskScheduler scheduler) {
        this.chain = chain;
        this.trades = trades;
        this.indexerStore = indexerStore;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.events = events;
        this.properties = properties;
        this.limits = properties.chain().submissions();
        this.deployment = platform.deployment();
        this.book = deployment.optionBook().toLowerCase(Locale.ROOT);
        this.clock = clock;
        this.perClient = limiters.limiter("fills", limits.perMinute(), Duration.ofMinutes(1));
        this.refused = Counter.builder("nuts.fills.submissions.refused")
                .description("fill submissions refused: a client or the instance had too many pending")
                .register(meters);
        Gauge.builder("nuts.fills.submissions.pending", pending, Map::size)
                .description("fill submissions awaiting their receipt on this instance")
                .register(meters);
        Duration every = Duration.ofMillis(
                Math.max(10, properties.chain().receiptPollInterval().toMillis()));
        this.poller = scheduler.scheduleWithFixedDelay(
                this::pollSafely, scheduler.getClock().instant().plus(every), every);
    }

    /**
     * The lower-case hash of {@code value}, or a 400 naming {@code field} when it is not {@code 0x} and 64 hex
     * digits.
     */
    public static String txHash(String value, String field) {
        if (value == null || !TX_HASH.matcher(value).matches()) {
            throw new ApiException(
                    ErrorCode.INVALID_PARAMETER,
                    field + " must be a transaction hash, 0x and 64 hex digits; got "
                            + (value == null ? "nothing" : value.length() > 80 ? value.substring(0, 80) + "…" : value));
        }
        return "0x" + value.substring(2).toLowerCase(Locale.ROOT);
    }

    /**
     * Records that the frontend sent {@code txHash} and starts reading its receipt, unless an entry for it exists
     * (then that entry is answered as it stands). {@code client} is whom the limits count: the client's key
     * ({@code ClientAddresses}), the same over HTTP and over the socket, so one bucket and one pending count per
     * client whichever way and however many connections it comes by. 400 for a malformed hash, 503 {@code CHAIN_UNAVAILABLE} without {@code BASE_RPC_URL}, 429
     * {@code RATE_LIMITED} or {@code TOO_MANY_PENDING_FILLS} past the limits. The socket side calls this for
     * {@code fill:submitted}.
     */
    public Submission submit(String txHash, String client) {
        String tx = txHash(txHash, "txHash");
        chain.require();
        perClient.acquire(client);
        Optional<Submission> known = find(tx);
        if (known.isPresent()) {
            Submission current = known.get();
            if (current.state() == State.PENDING && !pending.containsKey(tx)) {
                // one a restarted instance left pending: read its receipt until its deadline, within the limits
                Duration age = Duration.between(current.createdAt(), clock.instant());
                admit(tx, client, properties.chain().receiptTimeout().minus(age));
            }
            return current;
        }
        Instant now = clock.instant();
        admit(tx, client, properties.chain().receiptTimeout());
        jdbc.sql("INSERT INTO fill_submissions (tx_hash, state, created_at, updated_at)"
                        + " VALUES (:tx, 'pending', :now, :now) ON CONFLICT (tx_hash) DO NOTHING")
                .param("tx", tx)
                .param("now", utc(now))
                .update();
        return find(tx).orElseThrow();
    }

    /** Takes a place among the pending submissions, or refuses with {@code TOO_MANY_PENDING_FILLS}. */
    private synchronized void admit(String tx, String client, Duration left) {
        if (pending.containsKey(tx)) {
            return;
        }
        long mine =
                pending.values().stream().filter(p -> p.client().equals(client)).count();
        if (mine >= limits.maxPendingPerClient() || pending.size() >= limits.maxPending()) {
            refused.increment();
            throw new ApiException(
                    ErrorCode.TOO_MANY_PENDING_FILLS,
                    mine >= limits.maxPendingPerClient()
                            ? "you have " + mine + " fills awaiting their receipt, the most allowed; retry when one"
                                    + " is recorded or failed"
                            : "this server follows as many fills as it can; retry in a few seconds");
        }
        long now = System.nanoTime();
        pending.put(
                tx,
                new Pending(
                        client,
                        now + Math.max(0, left.toNanos()),
                        now,
                        properties.chain().receiptPollInterval(),
                        0));
    }

    /** The entry of {@code txHash} (any case), with the trades it recorded; 400 for a malformed hash. */
    public Optional<Submission> find(String txHash) {
        String tx = txHash(txHash, "txHash");
        return jdbc.sql(
                        "SELECT tx_hash, state, error, created_at, updated_at FROM fill_submissions WHERE tx_hash = :tx")
                .param("tx", tx)
                .query(FillSubmissions::row)
                .optional()
                .map(s -> s.state() == State.RECORDED
                        ? new Submission(
                                s.txHash(), s.state(), s.error(), trades.byEntryTx(tx), s.createdAt(), s.updatedAt())
                        : s);
    }

    private void pollSafely() {
        try {
            poll();
            prune();
        } catch (RuntimeException e) {
            log.warn("fill receipts poll failed: {}", e.toString());
        }
    }

    /**
     * One poll: the due submissions (fewest asks first, so a new one is not queued behind old unknown hashes), at most
     * {@code receiptsPerPoll}, in one batch of {@code eth_getTransactionReceipt}.
     */
    void poll() {
        if (pending.isEmpty() || !chain.enabled()) {
            return;
        }
        long now = System.nanoTime();
        List<String> due = pending.entrySet().stream()
                .filter(e -> e.getValue().due() - now <= 0)
                .sorted(java.util.Comparator.comparingInt(
                                (Map.Entry<String, Pending> e) -> e.getValue().asked())
                        .thenComparingLong(e -> e.getValue().due()))
                .limit(limits.receiptsPerPoll())
                .map(Map.Entry::getKey)
                .toList();
        if (due.isEmpty()) {
            return;
        }
        Map<String, TransactionReceipt> receipts;
        try {
            receipts = chain.require().receipts(due);
        } catch (RpcException e) {
            log.debug("receipts of {} submissions not read: {}", due.size(), e.getMessage());
            receipts = Map.of();
        }
        for (String tx : due) {
            TransactionReceipt receipt = receipts.get(tx);
            try {
                if (receipt != null && record(tx, receipt)) {
                    pending.remove(tx);
                    continue;
                }
            } catch (RuntimeException e) {
                log.warn("fill submission {}: {}", tx, e.getMessage());
            }
            later(tx);
        }
    }

    /** Not found (or not readable) yet: asked again after twice the previous wait, or failed past its deadline. */
    private void later(String tx) {
        Pending p = pending.get(tx);
        if (p == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - p.deadline() >= 0) {
            pending.remove(tx);
            fail(
                    tx,
                    "no receipt within "
                            + properties.chain().receiptTimeout().toSeconds()
                            + " s: the transaction was dropped, replaced or is still waiting to be mined");
            return;
        }
        Duration wait = p.backoff().multipliedBy(2);
        if (wait.compareTo(properties.chain().receiptMaxPollInterval()) > 0) {
            wait = properties.chain().receiptMaxPollInterval();
        }
        pending.put(tx, new Pending(p.client(), p.deadline(), now + p.backoff().toNanos(), wait, p.asked() + 1));
    }

    /** Deletes ended entries older than the retention, and pending ones no instance followed to their deadline. */
    private void prune() {
        long tick = System.nanoTime();
        if (pruned && tick - lastPrune < limits.pruneInterval().toNanos()) {
            return;
        }
        pruned = true;
        lastPrune = tick;
        Instant before = clock.instant().minus(limits.retention());
        int ended = jdbc.sql("DELETE FROM fill_submissions WHERE state <> 'pending' AND updated_at < :before")
                .param("before", utc(before))
                .update();
        int abandoned = jdbc.sql("DELETE FROM fill_submissions WHERE state = 'pending' AND created_at < :before")
                .param("before", utc(before.minus(properties.chain().receiptTimeout())))
                .update();
        if (ended + abandoned > 0) {
            log.debug("pruned {} ended and {} abandoned fill submissions", ended, abandoned);
        }
    }

    /**
     * Records the receipt's fills of our book, or fails the entry saying why there is none; false when the receipt's
     * block is no longer the chain's (asked again: the transaction may be mined again).
     */
    private boolean record(String tx, TransactionReceipt receipt) {
        if (!receipt.isStatusOK()) {
            fail(tx, "the transaction reverted (status " + receipt.getStatus() + "): nothing was filled");
            return true;
        }
        List<BookEvents.OrderFilled> fills = new ArrayList<>();
        Map<String, BookEvents.OptionInitialized> inits = new HashMap<>();
        for (Log l : receipt.getLogs()) {
            String topic = BookEvents.topic0(l);
            try {
                if (topic.equals(BookEvents.ORDER_FILLED_TOPIC) && book.equalsIgnoreCase(l.getAddress())) {
                    fills.add(BookEvents.orderFilled(l));
                } else if (topic.equals(BookEvents.OPTION_INITIALIZED_TOPIC)) {
                    BookEvents.OptionInitialized init = BookEvents.optionInitialized(l);
                    if (book.equals(init.createdBy())) {
                        inits.put(init.option(), init);
                    }
                }
            } catch (BookEvents.BadLogException | ArithmeticException e) {
                log.warn("fill submission {}: skipping a log: {}", tx, e.getMessage());
            }
        }
        if (fills.isEmpty()) {
            fail(
                    tx,
                    "the transaction has no OrderFilled of the OptionBook "
                            + io.nutsgate.common.Addresses.checksum(book) + ": it is not a fill of this book");
            return true;
        }
        Rpc rpc = chain.require();
        long block = receipt.getBlockNumber().longValueExact();
        Rpc.Header header = rpc.header(block);
        if (!header.hash().equalsIgnoreCase(receipt.getBlockHash())) {
            log.info("fill submission {}: its block {} was replaced since the receipt was read", tx, block);
            return false;
        }
        String referrer =
                properties.hasReferrer() ? properties.referrerAddress().toLowerCase(Locale.ROOT) : null;
        List<BookEvents.OrderFilled> ours =
                fills.stream().filter(f -> f.referrer().equals(referrer)).toList();
        List<io.nutsgate.trades.ChainTrades.ChainTrade> rows = new ArrayList<>();
        if (!ours.isEmpty()) {
            Map<String, String> implementations = OptionTerms.implementations(
                    rpc, ours.stream().map(BookEvents.OrderFilled::option).toList());
            Set<String> makers = new HashSet<>();
            ours.forEach(f -> makers.add(f.maker()));
            Set<String> followed = trades.followed(makers);
            Instant time = Instant.ofEpochSecond(header.timestamp());
            for (BookEvents.OrderFilled f : ours) {
                rows.addAll(OptionTerms.trades(
                        f, inits.get(f.option()), implementations.get(f.option()), deployment, followed, time, false));
            }
        }
        Instant now = clock.instant();
        long chainId = deployment.chainId();
        // no RPC call from here on: the transaction holds its connection only for these writes
        List<TradeView> changed = transaction.execute(status -> {
            Optional<IndexerStore.Cursor> cursor = indexerStore.readCursor(chainId, book);
            if (cursor.isPresent()
                    && block <= cursor.get().indexedBlock()
                    && !fills.stream().allMatch(f -> indexerStore.hasFill(chainId, f))) {
                return null;
            }
            List<TradeView> written = trades.record(rows, now);
            jdbc.sql("UPDATE fill_submissions SET state = 'recorded', error = NULL, updated_at = :now"
                            + " WHERE tx_hash = :tx")
                    .param("tx", tx)
                    .param("now", utc(now))
                    .update();
            return written;
        });
        if (changed == null) {
            fail(
                    tx,
                    "the chain does not have this fill as its receipt says: block " + block
                            + " as the indexer read it has no such OrderFilled (replaced by a reorg?)");
            return true;
        }
        // after the commit; a row the indexer already wrote is not changed again and not announced twice
        for (TradeView t : changed) {
            events.publishEvent(new TradeRecordedEvent(t, TradeRecordedEvent.SEEN));
        }
        log.info("fill submission {}: {} fills of our book, {} trades recorded", tx, fills.size(), changed.size());
        return true;
    }

    private void fail(String tx, String error) {
        jdbc.sql("UPDATE fill_submissions SET state = 'failed', error = :error, updated_at = :now"
                        + " WHERE tx_hash = :tx AND state = 'pending'")
                .param("tx", tx)
                .param("error", error)
                .param("now", utc(clock.instant()))
                .update();
        log.info("fill submission {} failed: {}", tx, error);
    }

    private static Submission row(ResultSet rs, int n) throws SQLException {
        return new Submission(
                rs.getString("tx_hash"),
                State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
                rs.getString("error"),
                List.of(),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    @Override
    public void destroy() {
        // a poll under way finishes; the scheduler itself stops with the context
        poller.cancel(false);
    }

    Duration receiptTimeout() {
        return properties.chain().receiptTimeout();
    }

    int pendingCount() {
        return pending.size();
    }
}
