package io.nutsgate.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.support.KeepAliveLockProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The one way a job runs on one instance at a time: a ShedLock row per job in PostgreSQL (table {@code shedlock}),
 * taken per run by the database's clock and held until the run ends. An instance that finds the lock held skips that
 * run. The lock is kept alive while the run goes on (extended by another {@code lease} every half lease, on the task
 * scheduler), so a run may take longer than its lease and still never overlaps another instance's; {@code lease} is how
 * long the lock outlives an instance that died mid-run. Leases under {@link #KEPT_ALIVE_FROM} (ShedLock's floor for
 * keeping a lock alive; only tests use them) are not extended. See docs/plumbing.md. ShedLock remembers which rows it
 * created: never delete a row of {@code shedlock} on a running service (the job would skip every run until a
 * restart); to free a lock, set its {@code lock_until} to now.
 */
@Component
public class SingleInstanceJobs {

    static final Duration KEPT_ALIVE_FROM = Duration.ofSeconds(30);

    private final LockingTaskExecutor locks;
    private final LockingTaskExecutor keptAlive;

    public SingleInstanceJobs(JdbcTemplate jdbc, ThreadPoolTaskScheduler taskScheduler) {
        JdbcTemplateLockProvider table = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(jdbc)
                .withTableName("shedlock")
                .usingDbTime()
                .build());
        this.locks = new DefaultLockingTaskExecutor(table);
        this.keptAlive =
                new DefaultLockingTaskExecutor(new KeepAliveLockProvider(table, taskScheduler.getScheduledExecutor()));
    }

    /** Runs {@code work} unless another instance is running {@code job}; whether it ran. */
    public boolean runAlone(String job, Duration lease, Runnable work) {
        return callAlone(job, lease, () -> {
                    work.run();
                    return Boolean.TRUE;
                })
                .isPresent();
    }

    /**
     * Runs {@code work} unless another instance is running {@code job}; its (non-null) result, or empty when another
     * instance holds the lock. Exceptions of {@code work} and of the lock table (database down) reach the caller.
     */
    public <T> Optional<T> callAlone(String job, Duration lease, Supplier<T> work) {
        LockConfiguration lock = new LockConfiguration(Instant.now(), job, lease, Duration.ZERO);
        LockingTaskExecutor.TaskResult<T> result;
        try {
            result = (lease.compareTo(KEPT_ALIVE_FROM) >= 0 ? keptAlive : locks)
                    .executeWithLock((LockingTaskExecutor.TaskWithResult<T>) work::get, lock);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("job " + job + " failed: " + e.getMessage(), e);
        }
        return result.wasExecuted() ? Optional.of(result.getResult()) : Optional.empty();
    }
}
