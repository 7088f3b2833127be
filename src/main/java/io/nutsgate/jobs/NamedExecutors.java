package io.nutsgate.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import java.util.List;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Background executors that are not schedules (those run on the one task scheduler, {@link SchedulingConfiguration}):
 * a hand-off off the caller's thread, in order, with a bounded queue. Each is named (its threads and its
 * {@code executor_*} metrics carry the name); its owner shuts it down in its own {@code stop()}.
 */
public final class NamedExecutors {

    private NamedExecutors() {}

    /**
     * One thread, tasks in submission order, at most {@code queueCapacity} waiting (more are refused with a
     * {@link java.util.concurrent.RejectedExecutionException}, as after {@code shutdown()}).
     */
    public static ThreadPoolTaskExecutor singleThread(String name, int queueCapacity, MeterRegistry meters) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setCorePoolSize(1);
        executor.setMaxPoolSize(1);
        executor.setQueueCapacity(queueCapacity);
        executor.setThreadNamePrefix(name + "-");
        executor.setDaemon(true);
        executor.setBeanName(name);
        executor.initialize();
        new ExecutorServiceMetrics(executor.getThreadPoolExecutor(), name, List.of()).bindTo(meters);
        return executor;
    }
}
