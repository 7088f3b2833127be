package io.nutsgate.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The one way a job runs on one instance at a time: a ShedLock row per job in PostgreSQL (table {@code shedlock}),
 * taken per run by the database's clock and held until the run ends, or at most {@code lease} if the instance dies
 * mid-run. An instance that finds the lock held skips that run. The lease must be longer than one run can take
 * (settings {@code nuts.jobs.*-lease}); see docs/plumbing.md. ShedLock remembers which rows it created: never delete a
 * row of {@code shedlock} on a running service (the job would skip every run until a restart); to free a lock, set its
 * {@code lock_until} to now.
 */
@Component
public class SingleInstanceJobs {

    private final LockingTaskExecutor locks;

    public SingleInstanceJobs(JdbcTemplate jdbc) {
        this.locks = new DefaultLockingTaskExecutor(
                new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                        .withJdbcTemplate(jdbc)
                        .withTableName("shedlock")
                        .usingDbTime()
                        .build()));
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
            result = locks.executeWithLock((LockingTaskExecutor.TaskWithResult<T>) work::get, lock);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("job " + job + " failed: " + e.getMessage(), e);
        }
        return result.wasExecuted() ? Optional.of(result.getResult()) : Optional.empty();
    }
}
