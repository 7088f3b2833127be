package io.nutsgate.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.support.PersistenceTest;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The one single-instance lock on the real PostgreSQL: a run holds it, the next run gets it, a crash gives it up. */
class SingleInstanceJobsIT extends PersistenceTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    @Autowired
    SingleInstanceJobs jobs;

    @Test
    void shouldRunEveryRunInTurnAndReleaseTheLockWhenARunEnds() {
        String job = newJob();
        AtomicInteger runs = new AtomicInteger();

        boolean first = jobs.runAlone(job, LEASE, runs::incrementAndGet);
        boolean second = jobs.runAlone(job, LEASE, runs::incrementAndGet);

        assertThat(first).isTrue();
        assertThat(second).isTrue();
        assertThat(runs).hasValue(2);
        assertThat(lockUntilIsPast(job)).isTrue();
    }

    @Test
    void shouldSkipARunWhileAnotherHoldsTheLock() throws Exception {
        String job = newJob();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> jobs.runAlone(job, LEASE, () -> {
            holding.countDown();
            await(release);
        }));
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();

        Optional<String> meanwhile = jobs.callAlone(job, LEASE, () -> "ran");
        release.countDown();

        assertThat(meanwhile).isEmpty();
        assertThat(other.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(jobs.callAlone(job, LEASE, () -> "ran")).contains("ran");
    }

    @Test
    void shouldGiveTheLockUpWhenARunFailsAndPassTheFailureOn() {
        String job = newJob();

        assertThatThrownBy(() -> jobs.runAlone(job, LEASE, () -> {
                    throw new IllegalStateException("upstream down");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("upstream down");

        assertThat(jobs.runAlone(job, LEASE, () -> {})).isTrue();
    }

    @Test
    void shouldLetTheNextInstanceRunOnceTheLeaseOfADeadOneRanOut() {
        String job = newJob();
        // an instance died mid-run: its row stays, locked until its lease ends (here: just now)
        jdbc.sql("INSERT INTO shedlock (name, lock_until, locked_at, locked_by) VALUES (:job,"
                        + " timezone('utc', now()) + interval '2 seconds', timezone('utc', now()), 'dead-instance')")
                .param("job", job)
                .update();

        boolean whileLeased = jobs.runAlone(job, LEASE, () -> {});
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> jobs.runAlone(job, LEASE, () -> {}));

        assertThat(whileLeased).isFalse();
    }

    @Test
    void shouldKeepTheLockOfARunThatOutlastsItsLeaseSoNoOtherInstanceStartsIt() throws Exception {
        String job = newJob();
        Duration lease = SingleInstanceJobs.KEPT_ALIVE_FROM; // the shortest lease that is kept alive: 30 s
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> longRun = CompletableFuture.supplyAsync(() -> jobs.runAlone(job, lease, () -> {
            holding.countDown();
            await(release);
        }));
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        java.sql.Timestamp firstLockUntil = lockUntil(job);

        // ShedLock extends a kept-alive lock every half lease: once it did, the lock ends a lease after the extension,
        // past where the run's first lease ended.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> lockUntil(job)
                .after(firstLockUntil));
        Optional<String> meanwhile = jobs.callAlone(job, lease, () -> "ran");
        release.countDown();

        assertThat(meanwhile)
                .as("another instance while the long run holds the lock")
                .isEmpty();
        assertThat(longRun.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lockUntilIsPast(job)).isTrue();
    }

    private java.sql.Timestamp lockUntil(String job) {
        return jdbc.sql("SELECT lock_until FROM shedlock WHERE name = :job")
                .param("job", job)
                .query(java.sql.Timestamp.class)
                .single();
    }

    private boolean lockUntilIsPast(String job) {
        return jdbc.sql("SELECT lock_until <= timezone('utc', now()) FROM shedlock WHERE name = :job")
                .param("job", job)
                .query(Boolean.class)
                .single();
    }

    private static String newJob() {
        return "test-" + UUID.randomUUID();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
