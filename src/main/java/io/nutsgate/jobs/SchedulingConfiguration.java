package io.nutsgate.jobs;

import io.nutsgate.settings.NutsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The one task scheduler every periodic and delayed job runs on (trade sync, wallet watch, leaderboard refresh, chain
 * indexer ticks, receipt polls, and the retries of {@code resilience.Retries}): {@code NUTS_SCHEDULER_THREADS} threads named
 * {@code nuts-job-N}, in the {@code executor_*} metrics as {@code name="taskScheduler"} (Spring Boot binds every
 * scheduler and executor bean), stopped with the application context. A job keeps the {@code ScheduledFuture} it
 * gets and cancels it in its own {@code stop()}.
 */
@Configuration(proxyBeanMethods = false)
class SchedulingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SchedulingConfiguration.class);

    @Bean
    ThreadPoolTaskScheduler taskScheduler(NutsProperties properties) {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(properties.jobs().schedulerThreads());
        scheduler.setThreadNamePrefix("nuts-job-");
        scheduler.setDaemon(true);
        scheduler.setRemoveOnCancelPolicy(true);
        // a job that throws is logged and keeps its schedule (the default handler would end a periodic job)
        scheduler.setErrorHandler(e -> log.error("a scheduled job failed", e));
        // closing the context interrupts running jobs (they check the interrupt between units of work) and waits
        scheduler.setWaitForTasksToCompleteOnShutdown(false);
        scheduler.setAwaitTerminationSeconds(10);
        return scheduler;
    }
}
