package io.nutsgate.leaderboard;

import io.nutsgate.jobs.SingleInstanceJobs;
import io.nutsgate.settings.NutsProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the derived tables fresh: {@code trader_window_totals} (rolling 7 and 30 day totals per wallet) and
 * {@code referrer_daily} (trades, volume and fees per day and product). Recomputed at start-up and every
 * {@code nuts.trades.leaderboard-refresh}, by one instance at a time, in one repeatable-read transaction. The windowed
 * leaderboards and the referrer summary are therefore at most that old; the all-time leaderboard is live.
 */
@Component
public class LeaderboardWindows implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaderboardWindows.class);

    private final LeaderboardRepository trades;
    private final TransactionTemplate transaction;
    private final SingleInstanceJobs jobs;
    private final NutsProperties properties;
    private final NutsProperties.Trades settings;
    private final Clock clock;
    private final TaskScheduler scheduler;
    private volatile ScheduledFuture<?> scheduled;

    LeaderboardWindows(
            LeaderboardRepository trades,
            TransactionTemplate transaction,
            SingleInstanceJobs jobs,
            NutsProperties properties,
            Clock clock,
            TaskScheduler scheduler) {
        this.scheduler = scheduler;
        this.trades = trades;
        this.transaction = transaction;
        this.jobs = jobs;
        this.properties = properties;
        this.settings = properties.trades();
        this.clock = clock;
    }

    /** Recomputes the window totals now; false when another instance was doing it. */
    public boolean refresh() {
        long start = System.nanoTime();
        boolean done = jobs.runAlone(
                "leaderboard-windows",
                properties.jobs().leaderboardLease(),
                () -> transaction.executeWithoutResult(status -> trades.refreshWindows(clock.instant())));
        if (done) {
            log.debug("leaderboard windows refreshed in {} ms", (System.nanoTime() - start) / 1_000_000);
            return true;
        }
        return false;
    }

    /** When the totals the windowed leaderboards show were computed; computes them first if they never were. */
    Instant asOf() {
        Optional<Instant> computed = trades.windowsComputedAt();
        if (computed.isPresent()) {
            return computed.get();
        }
        refresh();
        return trades.windowsComputedAt().orElseGet(clock::instant);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("leaderboard windows refresh failed; the previous totals stay: {}", e.getMessage());
        }
    }

    @Override
    public void start() {
        scheduled = scheduler.scheduleWithFixedDelay(this::refreshQuietly, settings.leaderboardRefresh());
    }

    @Override
    public void stop() {
        ScheduledFuture<?> running = scheduled;
        scheduled = null;
        if (running != null) {
            running.cancel(true);
        }
    }

    @Override
    public boolean isRunning() {
        return scheduled != null;
    }
}
