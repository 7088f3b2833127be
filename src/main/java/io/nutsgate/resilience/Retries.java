package io.nutsgate.resilience;

import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The one registry of retries (Resilience4j), next to {@link CircuitBreakers}: every retry of a call that leaves the
 * process (the indexer's update, the push buses' subscribe and reconnect, Redis for rate limits) is made here, its
 * attempts are in the {@code resilience4j_retry_calls_total} metrics under its name and each retry is logged at debug.
 * Retries in the background wait on the one task scheduler ({@link SchedulingConfiguration}), not on a thread of their
 * own. The settings of each come from {@link NutsProperties}.
 */
@Component
public class Retries {

    private static final Logger log = LoggerFactory.getLogger(Retries.class);

    private final RetryRegistry registry = RetryRegistry.ofDefaults();
    private final ScheduledExecutorService scheduler;

    public Retries(MeterRegistry meters, ThreadPoolTaskScheduler taskScheduler) {
        this.scheduler = taskScheduler.getScheduledExecutor();
        TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
        registry.getEventPublisher().onEntryAdded(added -> added.getAddedEntry()
                .getEventPublisher()
                .onRetry(event -> log.debug(
                        "retry {}: attempt {} failed, again in {} ms: {}",
                        event.getName(),
                        event.getNumberOfRetryAttempts(),
                        event.getWaitInterval().toMillis(),
                        String.valueOf(event.getLastThrowable()))));
    }

    /**
     * The retry {@code name}, made on first use: at most {@code attempts} calls ({@link Integer#MAX_VALUE}: until one
     * works), {@code interval} apart; a call fails when it throws an exception {@code failure} accepts or returns a
     * result {@code retryOn} accepts.
     */
    public <T> Retry retry(
            String name, int attempts, Duration interval, Predicate<Throwable> failure, Predicate<T> retryOn) {
        return registry.retry(name, () -> RetryConfig.<T>custom()
                .maxAttempts(attempts)
                .waitDuration(interval)
                .retryOnException(failure)
                .retryOnResult(retryOn == null ? result -> false : retryOn)
                .failAfterMaxAttempts(false)
                .build());
    }

    /**
     * Calls {@code attempt} on the task scheduler {@code after} from now, and again per {@code retry} until it
     * succeeds or the attempts run out; the future completes with the last result (or failure).
     */
    public <T> CompletableFuture<T> inBackground(Retry retry, Duration after, Supplier<T> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Supplier<CompletionStage<T>> once = () -> {
            try {
                return CompletableFuture.completedFuture(attempt.get());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
        try {
            scheduler.schedule(
                    () -> retry.executeCompletionStage(scheduler, once).whenComplete((value, failure) -> {
                        if (failure == null) {
                            result.complete(value);
                        } else {
                            result.completeExceptionally(failure);
                        }
                    }),
                    after.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e); // shutting down
        }
        return result;
    }
}
