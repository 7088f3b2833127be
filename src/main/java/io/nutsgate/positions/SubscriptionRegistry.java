package io.nutsgate.positions;

import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.jobs.NamedExecutors;
import io.nutsgate.push.PushInstance;
import io.nutsgate.push.RoomClosedEvent;
import io.nutsgate.push.RoomOpenedEvent;
import io.nutsgate.settings.NutsProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Tells the other instances which wallets have subscribers here (table {@code push_subscriptions}), so one watcher
 * can follow them all and {@code POST /nuts/update} on any instance knows a wallet is followed. Writes leave the
 * socket's thread at once and run in order on one background thread; a failed write is logged and repaired by
 * the next refresh ({@link #refresh}, every watch interval).
 */
@Component
class SubscriptionRegistry implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionRegistry.class);

    private final WatchRepository repository;
    private final PushInstance instance;
    private final Clock clock;
    private final NutsProperties.Push settings;
    private final ThreadPoolTaskExecutor writer;

    SubscriptionRegistry(
            WatchRepository repository,
            PushInstance instance,
            Clock clock,
            NutsProperties properties,
            MeterRegistry meters) {
        this.writer = NamedExecutors.singleThread("push-registry", Integer.MAX_VALUE, meters);
        this.repository = repository;
        this.instance = instance;
        this.clock = clock;
        this.settings = properties.push();
    }

    @EventListener
    void onRoomOpened(RoomOpenedEvent event) {
        String wallet = event.wallet();
        submit(() -> repository.markSubscribed(instance.id(), List.of(wallet), clock.instant()));
    }

    @EventListener
    void onRoomClosed(RoomClosedEvent event) {
        String wallet = event.wallet();
        submit(() -> repository.markUnsubscribed(instance.id(), wallet));
    }

    /** Re-announces this instance's wallets (and forgets the others); runs on the caller's thread. */
    void refresh(List<String> localWallets) {
        repository.keepOnly(instance.id(), localWallets);
        repository.markSubscribed(instance.id(), localWallets, clock.instant());
        repository.dropAbandonedRooms(liveSince());
    }

    /** Rows refreshed within three watch intervals count; older ones belong to an instance that stopped. */
    Instant liveSince() {
        return clock.instant().minus(settings.watchInterval().multipliedBy(3));
    }

    boolean hasSubscribers(String wallet) {
        return repository.hasSubscribers(wallet, liveSince());
    }

    List<String> subscribedWallets() {
        return repository.subscribedWallets(liveSince(), settings.watchMaxWallets());
    }

    private void submit(Runnable write) {
        try {
            writer.execute(() -> {
                try {
                    write.run();
                } catch (RuntimeException e) {
                    log.warn(
                            "push subscription registry write failed (repaired at the next refresh): {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    @Override
    public void destroy() {
        writer.shutdown();
        try {
            repository.keepOnly(instance.id(), List.of());
        } catch (RuntimeException e) {
            log.debug("could not drop this instance's subscriptions at shutdown: {}", e.toString());
        }
    }
}
