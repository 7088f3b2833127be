package io.nutsgate.trades;

import io.nutsgate.auth.WalletSignedInEvent;
import io.nutsgate.common.ApiException;
import io.nutsgate.jobs.SingleInstanceJobs;
import io.nutsgate.settings.NutsProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Copies a wallet's trades made with our referrer from the indexer into the trades table. Both lists are fetched
 * before anything is written, so a failed upstream call changes nothing; the writes of one wallet run in one
 * transaction under a per-wallet lock and upsert on (entry tx hash, option address, wallet, side), so syncs racing on
 * one wallet, on one instance or several, leave exactly one row per trade, and a fill whose buyer and seller are
 * both followed wallets is kept once for each side.
 *
 * <p>Runs every {@code nuts.trades.sync-interval} for the wallets seen within {@code active-window}, on one instance
 * at a time (its {@link SingleInstanceJobs} lock per run), and {@code after-update-delay} after a wallet signs in or asks for
 * {@code POST /nuts/update}. Nothing runs on the caller's thread: a request only hands the wallet to the background
 * (so {@code POST /nuts/update} works while the database is down).
 * Only signed-in wallets and wallets found with trades through our referrer are followed: anyone can post any
 * address to {@code /nuts/update}, and that must not make us poll the indexer for it for 30 days.
 */
@Component
class TradeSync implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TradeSync.class);
    private static final int MAX_WALLETS_PER_RUN = 100_000;

    /** What one sync of one wallet did. */
    record Result(String address, int positions, int kept, int written, int invalid) {}

    private final TradeSource source;
    private final TradeRepository trades;
    private final SingleInstanceJobs jobs;
    private final TransactionTemplate transaction;
    private final NutsProperties properties;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final SettlementComparison comparison;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final TaskScheduler scheduler;
    private volatile boolean running;
    private volatile ScheduledFuture<?> periodic;

    TradeSync(
            TradeSource source,
            TradeRepository trades,
            SingleInstanceJobs jobs,
            TransactionTemplate transaction,
            NutsProperties properties,
            Clock clock,
            ApplicationEventPublisher events,
            TaskScheduler scheduler,
            SettlementComparison comparison) {
        this.events = events;
        this.scheduler = scheduler;
        this.comparison = comparison;
        this.source = source;
        this.trades = trades;
        this.jobs = jobs;
        this.transaction = transaction;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Syncs one wallet now. Throws the upstream's {@link ApiException} when the indexer fails, having written
     * nothing. Without a configured referrer there is nothing to keep and nothing is fetched.
     */
    Result sync(String address) {
        return sync(address, null);
    }

    /** The same with the wallet's open positions already read ({@code open}), or read fresh when null. */
    Result sync(String address, List<ObjectNode> open) {
        if (!properties.hasReferrer()) {
            log.debug("ALPHABIT_REFERRER_ADDRESS is not set: no trades to sync for {}", address);
            return new Result(address, 0, 0, 0, 0);
        }
        String referrer = properties.referrerAddress().toLowerCase(Locale.ROOT);
        List<ObjectNode> positions = new ArrayList<>(open != null ? open : source.openPositions(address));
        positions.addAll(source.history(address));
        Instant now = clock.instant();

        Map<Trade.Key, Trade> found = new LinkedHashMap<>();
        int invalid = 0;
        for (ObjectNode position : positions) {
            try {
                for (Trade trade : PositionMapper.toTrades(position, address, referrer, now)) {
                    found.merge(trade.key(), trade, TradeSync::newer);
                }
            } catch (PositionMapper.InvalidPositionException e) {
                invalid++;
                log.warn("skipping an unreadable position of {}: {}", address, e.getMessage());
            }
        }
        List<Trade> written = transaction.execute(status -> {
            trades.lockWallet(address);
            List<Trade> rows = new ArrayList<>();
            // our chain reader's figures win over the indexer's once it has read the option's events
            boolean chainWins = properties.chain().enabled();
            for (Trade trade : found.values()) {
                if (trades.upsert(trade, chainWins, now) == 1) {
                    rows.add(trade);
                }
                trades.recordNutsSettlement(trade);
            }
            comparison.checkWallet(address);
            trades.refreshTotals(address, now);
            if (!found.isEmpty()) {
                trades.markSeen(address, now); // it trades through us: follow it
            }
            trades.markSynced(address, now);
            return rows;
        });
        written = written == null ? List.of() : written;
        // Committed: the indexer only lists mined fills, so these are confirmed.
        for (Trade trade : written) {
            events.publishEvent(new TradeRecordedEvent(TradeView.of(trade), TradeRecordedEvent.CONFIRMED));
        }
        Result result = new Result(address, positions.size(), found.size(), written.size(), invalid);
        log.debug("synced trades: {}", result);
        return result;
    }

    /** The same trade seen in both lists: the one further along wins (history lists it settled or closed). */
    private static Trade newer(Trade earlier, Trade later) {
        return later.status().isFinal() || !earlier.status().isFinal() ? later : earlier;
    }

    /** The scheduled run: {@link #syncActive()} unless another instance is running it right now. */
    void syncActiveAlone() {
        try {
            if (!jobs.runAlone("trade-sync", properties.jobs().tradeSyncLease(), this::syncActive)) {
                log.debug("scheduled trade sync skipped: another instance is running it");
            }
        } catch (RuntimeException e) {
            log.warn("scheduled trade sync did not run: {}", e.getMessage());
        }
    }

    /** Syncs every wallet seen within the active window, oldest sync first; failures are logged and skipped. */
    void syncActive() {
        Instant since = clock.instant().minus(properties.trades().activeWindow());
        List<String> wallets = trades.activeWallets(since, MAX_WALLETS_PER_RUN);
        int failed = 0;
        for (String wallet : wallets) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            if (!syncQuietly(wallet)) {
                failed++;
            }
        }
        if (!wallets.isEmpty()) {
            log.info("scheduled trade sync: {} wallets, {} failed", wallets.size(), failed);
        }
    }

    /**
     * Syncs the wallet after {@code delay} in the background, and with {@code follow} first marks it active for the
     * scheduled sync; requests for a wallet already waiting merge.
     */
    void requestSync(String address, Duration delay, boolean follow) {
        requestSync(address, delay, follow, null);
    }

    /** The same with the wallet's open positions already read ({@code open}, null to read them). */
    void requestSync(String address, Duration delay, boolean follow, List<ObjectNode> open) {
        Instant seen = clock.instant();
        if (!running) {
            return;
        }
        Instant now = scheduler.getClock().instant();
        if (!properties.trades().syncOnEvents()) {
            if (follow) {
                scheduler.schedule(() -> markSeenQuietly(address, seen), now);
            }
            return;
        }
        if (!pending.add(address)) {
            return;
        }
        scheduler.schedule(
                () -> {
                    pending.remove(address);
                    if (running && (!follow || markSeenQuietly(address, seen))) {
                        syncQuietly(address, open);
                    }
                },
                now.plus(delay));
    }

    private boolean markSeenQuietly(String address, Instant seen) {
        try {
            trades.markSeen(address, seen);
            return true;
        } catch (RuntimeException e) {
            log.warn("could not record activity of {}: {}", address, e.getMessage());
            return false;
        }
    }

    @EventListener
    void onSignedIn(WalletSignedInEvent event) {
        requestSync(event.address(), Duration.ZERO, true);
    }

    @EventListener
    void onSyncRequested(TradeSyncRequestedEvent event) {
        // Followed only if this sync finds trades through our referrer (see sync).
        Duration delay = event.afterUpdate() ? properties.trades().afterUpdateDelay() : Duration.ZERO;
        requestSync(event.address().toLowerCase(Locale.ROOT), delay, false, event.openPositions());
    }

    private boolean syncQuietly(String address) {
        return syncQuietly(address, null);
    }

    private boolean syncQuietly(String address, List<ObjectNode> open) {
        try {
            sync(address, open);
            return true;
        } catch (ApiException e) {
            log.warn("trade sync of {} failed, nothing changed: {}", address, e.getMessage());
        } catch (RuntimeException e) {
            log.error("trade sync of {} failed, nothing changed", address, e);
        }
        return false;
    }

    @Override
    public void start() {
        running = true;
        NutsProperties.Trades settings = properties.trades();
        if (settings.scheduledSync()) {
            periodic = scheduler.scheduleWithFixedDelay(
                    this::syncActiveAlone,
                    scheduler.getClock().instant().plus(settings.syncInterval()),
                    settings.syncInterval());
            log.info(
                    "trade sync every {} for wallets seen within {}", settings.syncInterval(), settings.activeWindow());
        }
    }

    @Override
    public void stop() {
        running = false;
        ScheduledFuture<?> scheduled = periodic;
        periodic = null;
        if (scheduled != null) {
            scheduled.cancel(true);
        }
        pending.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
