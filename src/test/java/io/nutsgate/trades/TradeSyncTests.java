package io.nutsgate.trades;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.nutsgate.jobs.SingleInstanceJobs;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.support.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

/** The sync's triggers, without a database: schedule, update events, and the switches that turn them off. */
class TradeSyncTests {

    static final String WALLET = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";

    private final TradeSource source = mock(TradeSource.class);
    private final TradeRepository trades = mock(TradeRepository.class);
    private final TransactionTemplate transaction = mock(TransactionTemplate.class);
    private final SingleInstanceJobs jobs = mock(SingleInstanceJobs.class);
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final SettlementComparison comparison = mock(SettlementComparison.class);
    private TradeSync sync;

    private TradeSync start(Map<String, String> settings) {
        NutsProperties properties =
                new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("nuts", NutsProperties.class);
        when(jobs.runAlone(any(), any(), any())).thenAnswer(call -> {
            call.<Runnable>getArgument(2).run();
            return true;
        });
        scheduler.initialize();
        sync = new TradeSync(
                source, trades, jobs, transaction, properties, new MutableClock(), event -> {}, scheduler, comparison);
        sync.start();
        return sync;
    }

    @AfterEach
    void stop() {
        if (sync != null) {
            sync.stop();
        }
        scheduler.shutdown();
    }

    @Test
    void shouldSyncTheActiveWalletsOnSchedule() {
        when(trades.activeWallets(any(), anyInt())).thenReturn(List.of(WALLET));
        start(Map.of(
                "nuts.referrer-address", "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d",
                "nuts.trades.sync-interval", "50ms"));

        verify(source, timeout(2000).atLeast(2)).openPositions(WALLET);
        verify(trades, timeout(2000).atLeast(2))
                .activeWallets(eq(MutableClock.FIXTURE_NOW.minus(Duration.ofDays(30))), anyInt());
    }

    @Test
    void shouldNotScheduleWhenTheScheduledSyncIsOff() {
        start(Map.of("nuts.trades.sync-interval", "50ms", "nuts.trades.scheduled-sync", "false"));

        verify(trades, after(300).never()).activeWallets(any(), anyInt());
    }

    @Test
    void shouldSyncAnAddressAfterAnUpdateRequestOnceEvenIfAskedTwice() {
        start(Map.of(
                "nuts.referrer-address", "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d",
                // long enough that a busy machine cannot make the sync look early
                "nuts.trades.after-update-delay", "2s",
                "nuts.trades.scheduled-sync", "false"));

        sync.onSyncRequested(new TradeSyncRequestedEvent(WALLET, true));
        sync.onSyncRequested(new TradeSyncRequestedEvent(WALLET, true));

        verify(source, after(200).never()).openPositions(WALLET);
        verify(source, timeout(10_000).times(1)).openPositions(WALLET);
        verify(source, after(300).times(1)).history(WALLET);
        // No trades through our referrer were found: the wallet is not followed by the scheduled sync.
        verify(trades, never()).markSeen(eq(WALLET), any());
    }

    @Test
    void shouldLeaveTheDatabaseToTheBackgroundWhenAWalletSignsIn() {
        start(Map.of(
                "nuts.referrer-address", "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d",
                "nuts.trades.after-update-delay", "0s",
                "nuts.trades.scheduled-sync", "false"));
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.mockito.Mockito.doAnswer(call -> {
                    threads.add(Thread.currentThread().getName());
                    throw new org.springframework.jdbc.CannotGetJdbcConnectionException("database down");
                })
                .when(trades)
                .markSeen(any(), any());

        sync.onSignedIn(new io.nutsgate.auth.WalletSignedInEvent(WALLET)); // does not throw

        verify(trades, timeout(2000)).markSeen(eq(WALLET), any());
        assertThat(threads).doesNotContain(Thread.currentThread().getName());
        verify(source, after(200).never()).openPositions(any());
    }

    @Test
    void shouldSkipTheScheduledRunWhileAnotherInstanceHoldsTheLock() {
        when(trades.activeWallets(any(), anyInt())).thenReturn(List.of(WALLET));
        start(Map.of(
                "nuts.referrer-address", "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d",
                "nuts.trades.scheduled-sync", "false"));
        org.mockito.Mockito.doReturn(false).when(jobs).runAlone(any(), any(), any());

        sync.syncActiveAlone();

        verify(trades, never()).activeWallets(any(), anyInt());
        verify(source, never()).openPositions(any());
    }

    @Test
    void shouldNeitherSyncNorFollowAnUpdatedWalletWhenEventSyncIsOff() {
        start(Map.of("nuts.trades.sync-on-events", "false", "nuts.trades.after-update-delay", "0s"));

        sync.onSyncRequested(new TradeSyncRequestedEvent(WALLET, true));

        verify(source, after(300).never()).openPositions(any());
        verify(trades, never()).markSeen(any(), any());
    }

    @Test
    void shouldFetchNothingWithoutAReferrer() {
        start(Map.of("nuts.trades.scheduled-sync", "false"));

        TradeSync.Result result = sync.sync(WALLET);

        assertThat(result.kept()).isZero();
        verify(source, never()).openPositions(any());
    }
}
