package io.nutsgate.chain;

import static io.nutsgate.common.SqlValues.utc;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.system.NutsProperties;
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
 * over the socket through {@link #submit}): the receipt is polled every {@code NUTS_FILLS_RECEIPT_POLL_INTERVAL} for
 * up to {@code NUTS_FILLS_RECEIPT_TIMEOUT}; its {@code OrderFilled} logs of our OptionBook are recorded as trades
 * (with the same terms the indexer would give them, {@code seen}) and a {@link TradeRecordedEvent} is published at
 * once, before the indexer's batch reaches the block. The indexer later finds the same rows and changes nothing
 * (one row per fill, wallet and side), then confirms them. One entry per transaction: a second submission answers
 * the first one's state. A receipt without an {@code OrderFilled} of our book, a reverted transaction or no receipt
 * in time ends the entry {@code failed} with an error the client can show.
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

    private final ChainAccess chain;
    private final ChainTrades trades;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final NutsProperties properties;
    private final Deployment deployment;
    private final String book;
    private final Clock clock;
    private final TaskScheduler scheduler;
    private volatile boolean stopped;
    private final Set<String> polling = ConcurrentHashMap.newKeySet();

    FillSubmissions(
            ChainAccess chain,
            ChainTrades trades,
            JdbcClient jdbc,
            TransactionTemplate transaction,
            ApplicationEventPublisher events,
            NutsProperties properties,
            Platform platform,
            Clock clock,
            TaskScheduler scheduler) {
        this.chain = chain;
        this.trades = trades;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.events = events;
        this.properties = properties;
        this.deployment = platform.deployment();
        this.book = deployment.optionBook().toLowerCase(Locale.ROOT);
        this.clock = clock;
        this.scheduler = scheduler;
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
     * (then that entry is answered as it stands). 400 for a malformed hash, 503 {@code CHAIN_UNAVAILABLE} without
     * {@code BASE_RPC_URL}. The socket side calls this for {@code fill:submitted}.
     */
    public Submission submit(String txHash) {
        String tx = txHash(txHash, "txHash");
        chain.require();
        Instant now = clock.instant();
        int inserted = jdbc.sql("INSERT INTO fill_submissions (tx_hash, state, created_at, updated_at)"
                        + " VALUES (:tx, 'pending', :now, :now) ON CONFLICT (tx_hash) DO NOTHING")
                .param("tx", tx)
                .param("now", utc(now))
                .update();
        Submission current = find(tx).orElseThrow();
        if (current.state() == State.PENDING && (inserted == 1 || !polling.contains(tx))) {
            // a new entry, or one a restarted instance left pending: read its receipt until its deadline
            startPolling(tx, current.createdAt().plus(properties.chain().receiptTimeout()));
        }
        return current;
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

    private void startPolling(String tx, Instant deadline) {
        if (!polling.add(tx)) {
            return;
        }
        scheduler.schedule(() -> poll(tx, deadline), scheduler.getClock().instant());
    }

    private void poll(String tx, Instant deadline) {
        if (stopped) {
            return;
        }
        boolean again = true;
        try {
            Optional<TransactionReceipt> receipt = Optional.empty();
            try {
                receipt = chain.require().receipt(tx);
            } catch (RpcException e) {
                log.debug("receipt of {} not read: {}", tx, e.getMessage());
            }
            if (receipt.isPresent()) {
                record(tx, receipt.get());
                again = false;
            } else if (!clock.instant().isBefore(deadline)) {
                fail(
                        tx,
                        "no receipt within "
                                + properties.chain().receiptTimeout().toSeconds()
                                + " s: the transaction was dropped, replaced or is still waiting to be mined");
                again = false;
            }
        } catch (RuntimeException e) {
            log.warn("fill submission {}: {}", tx, e.getMessage());
            if (!clock.instant().isBefore(deadline)) {
                fail(tx, "the receipt could not be read: " + e.getMessage());
                again = false;
            }
        }
        if (again && !stopped) {
            scheduler.schedule(
                    () -> poll(tx, deadline),
                    scheduler.getClock().instant().plus(properties.chain().receiptPollInterval()));
        } else {
            polling.remove(tx);
        }
    }

    /** Records the receipt's fills of our book, or fails the entry saying why there is none. */
    private void record(String tx, TransactionReceipt receipt) {
        if (!receipt.isStatusOK()) {
            fail(tx, "the transaction reverted (status " + receipt.getStatus() + "): nothing was filled");
            return;
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
            return;
        }
        Rpc rpc = chain.require();
        String referrer =
                properties.hasReferrer() ? properties.referrerAddress().toLowerCase(Locale.ROOT) : null;
        List<BookEvents.OrderFilled> ours =
                fills.stream().filter(f -> f.referrer().equals(referrer)).toList();
        List<io.nutsgate.trades.ChainTrades.ChainFill> rows = new ArrayList<>();
        if (!ours.isEmpty()) {
            Map<String, String> implementations = OptionTerms.implementations(
                    rpc, ours.stream().map(BookEvents.OrderFilled::option).toList());
            Set<String> makers = new HashSet<>();
            ours.forEach(f -> makers.add(f.maker()));
            Set<String> followed = trades.followed(makers);
            Instant time = Instant.ofEpochSecond(
                    rpc.header(receipt.getBlockNumber().longValueExact()).timestamp());
            for (BookEvents.OrderFilled f : ours) {
                rows.addAll(OptionTerms.trades(
                        f, inits.get(f.option()), implementations.get(f.option()), deployment, followed, time, false));
            }
        }
        Instant now = clock.instant();
        List<TradeView> changed = transaction.execute(status -> {
            List<TradeView> written = trades.record(rows, now);
            jdbc.sql("UPDATE fill_submissions SET state = 'recorded', error = NULL, updated_at = :now"
                            + " WHERE tx_hash = :tx")
                    .param("tx", tx)
                    .param("now", utc(now))
                    .update();
            return written;
        });
        // after the commit; a row the indexer already wrote is not changed again and not announced twice
        for (TradeView t : changed) {
            events.publishEvent(new TradeRecordedEvent(t, TradeRecordedEvent.SEEN));
        }
        log.info("fill submission {}: {} fills of our book, {} trades recorded", tx, fills.size(), changed.size());
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
        // polls already scheduled do nothing at their turn; the scheduler itself stops with the context
        stopped = true;
    }

    Duration receiptTimeout() {
        return properties.chain().receiptTimeout();
    }
}
