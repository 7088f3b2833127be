package io.nutsgate.positions;

import io.nutsgate.common.Addresses;
import io.nutsgate.jobs.SingleInstanceJobs;
import io.nutsgate.protocol.Platform;
import io.nutsgate.push.LocalRooms;
import io.nutsgate.push.PushBus;
import io.nutsgate.push.PushMessage;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.thetanuts.PositionKind;
import io.nutsgate.thetanuts.PositionsApi;
import io.nutsgate.trades.TradeRecordedEvent;
import io.nutsgate.trades.TradeRemovedEvent;
import io.nutsgate.trades.TradeSyncRequestedEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Finds changes in subscribed wallets' positions and trades without a chain indexer:
 *
 * <ul>
 *   <li>after {@code POST /nuts/update} for a wallet with subscribers (on any instance), checks it at each of
 *       {@code NUTS_PUSH_AFTER_UPDATE_CHECKS} (the indexer may need a moment, or skip a sync);
 *   <li>every {@code NUTS_PUSH_WATCH_INTERVAL}, one instance at a time (the {@value #JOB} job's lock, taken per run)
 *       checks every wallet with subscribers, at most {@code NUTS_PUSH_WATCH_MAX_WALLETS} per run.
 * </ul>
 *
 * A check reads the wallet's open positions from the indexer and pushes {@code position:update} (the shape of
 * {@code POST /nuts/positions} with type open, filtered by our referrer) only when it differs from what the room
 * last got; and it asks the trade sync for the wallet, whose new or changed rows become {@code trade:new}.
 */
@Component
public class PositionWatcher implements SmartLifecycle {

    static final String JOB = "positions-watch";
    private static final Logger log = LoggerFactory.getLogger(PositionWatcher.class);

    private final PositionsApi positions;
    private final Platform platform;
    private final WatchRepository repository;
    private final SubscriptionRegistry registry;
    private final LocalRooms sockets;
    private final PushBus bus;
    private final SingleInstanceJobs jobs;
    private final NutsProperties properties;
    private final NutsProperties.Push settings;
    private final JsonMapper json;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final TaskScheduler scheduler;
    private volatile ScheduledFuture<?> watching;

    PositionWatcher(
            PositionsApi positions,
            Platform platform,
            WatchRepository repository,
            SubscriptionRegistry registry,
            LocalRooms sockets,
            PushBus bus,
            SingleInstanceJobs jobs,
            NutsProperties properties,
            JsonMapper json,
            Clock clock,
            ApplicationEventPublisher events,
            TaskScheduler scheduler) {
        this.scheduler = scheduler;
        this.positions = positions;
        this.platform = platform;
        this.repository = repository;
        this.registry = registry;
        this.sockets = sockets;
        this.bus = bus;
        this.jobs = jobs;
        this.properties = properties;
        this.settings = properties.push();
        this.json = json;
        this.clock = clock;
        this.events = events;
    }

    @EventListener
    void onRefreshRequested(PositionsRefreshRequestedEvent event) {
        scheduleChecks(event.address());
    }

    /**
     * A fill our chain reader or a submitted receipt just recorded (or a reorg took back) changes the wallet's open
     * positions: its room gets {@code position:update} from the same checks as after an update. Trades from the
     * indexer sync are {@code confirmed} and already come from such a check, so they do not start another.
     */
    @EventListener
    void onTradeRecorded(TradeRecordedEvent event) {
        if (TradeRecordedEvent.SEEN.equals(event.confirmation())) {
            scheduleChecks(event.trade().wallet());
        }
    }

    @EventListener
    void onTradeRemoved(TradeRemovedEvent event) {
        scheduleChecks(event.trade().wallet());
    }

    private void scheduleChecks(String address) {
        String wallet = address.toLowerCase(Locale.ROOT);
        if (watching == null || !Addresses.isValid(wallet)) {
            return;
        }
        scheduler.schedule(
                () -> {
                    if (!sockets.hasLocalSubscribers(wallet)
                            && !quietly(() -> registry.hasSubscribers(wallet), false)) {
                        return;
                    }
                    Instant now = scheduler.getClock().instant();
                    for (Duration delay : settings.afterUpdateChecks()) {
                        scheduler.schedule(() -> checkWhileRunning(wallet), now.plus(delay));
                    }
                },
                scheduler.getClock().instant());
    }

    private void checkWhileRunning(String wallet) {
        if (watching != null) {
            check(wallet, true);
        }
    }

    /** One run of the watch: refresh this instance's registry rows, then, holding the job's lock, check the wallets. */
    public void watch() {
        quietly(
                () -> {
                    registry.refresh(sockets.localWallets());
                    return null;
                },
                null);
        if (settings.watch()) {
            quietly(() -> jobs.runAlone(JOB, properties.jobs().watchLease(), this::checkSubscribed), false);
        }
    }

    private void checkSubscribed() {
        List<String> wallets = quietly(registry::subscribedWallets, List.of());
        for (String wallet : wallets) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            check(wallet, false);
        }
        if (!wallets.isEmpty()) {
            log.debug("watched {} subscribed wallets", wallets.size());
        }
    }

    /**
     * Reads the wallet's open positions, pushes them if the room has not got them yet, and asks for a trade sync.
     * After an update or a recorded trade ({@code fresh}) the indexer is asked and the trades synced every time. The
     * periodic watch reads through the positions cache instead, so a subscribed wallet costs the indexer no more than
     * {@code POST /nuts/positions} for it would (one read per {@code NUTS_CACHE_TTL_POSITIONS}), and syncs trades
     * only when the positions changed (a trade changes them), handing the sync the open positions it read: a new
     * wallet costs the indexer its open positions and its history, two calls, as {@code POST /nuts/positions} does.
     */
    void check(String wallet, boolean fresh) {
        try {
            if (fresh) {
                events.publishEvent(new TradeSyncRequestedEvent(wallet));
            }
            Optional<String> referrer = platform.referrer();
            ArrayNode open = json.createArrayNode();
            List<ObjectNode> read = fresh
                    ? positions.fetchFresh(wallet, PositionKind.OPEN)
                    : positions.fetchCached(wallet, PositionKind.OPEN).value();
            for (ObjectNode position : read) {
                if (referrer.isEmpty()
                        || Addresses.same(
                                referrer.get(), position.path("referrer").asString(""))) {
                    open.add(position);
                }
            }
            ObjectNode view = json.createObjectNode();
            view.put("address", wallet);
            view.put("type", "open");
            view.put("referrer", referrer.orElse(null));
            view.set("positions", open);
            byte[] body = json.writeValueAsBytes(view);
            String room = PushMessage.positionsRoom(wallet);
            if (repository.recordDigest(room, sha256(body), clock.instant())) {
                if (!fresh) {
                    // the open positions just read: the sync reads only the history (as POST /nuts/positions would)
                    events.publishEvent(new TradeSyncRequestedEvent(wallet, false, List.copyOf(read)));
                }
                bus.publish(
                        new PushMessage(room, PushMessage.POSITION_UPDATE, new String(body, StandardCharsets.UTF_8)));
            }
        } catch (RuntimeException e) {
            log.warn("position check of {} failed, nothing pushed: {}", wallet, e.toString());
        }
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static <T> T quietly(Supplier<T> work, T fallback) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            log.warn("push watch: {}", e.toString());
            return fallback;
        }
    }

    @Override
    public void start() {
        watching = scheduler.scheduleWithFixedDelay(
                this::watch, scheduler.getClock().instant().plus(settings.watchInterval()), settings.watchInterval());
    }

    @Override
    public void stop() {
        ScheduledFuture<?> running = watching;
        watching = null;
        if (running != null) {
            running.cancel(true);
        }
    }

    @Override
    public boolean isRunning() {
        return watching != null;
    }
}
