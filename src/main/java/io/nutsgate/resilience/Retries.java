package io.nutsgate.resilience;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.settings.NutsProperties;
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
 * The one place retries are made (Resilience4j), next to {@link CircuitBreakers}: every retry of a call that leaves the
 * process (the JSON-RPC node, a Thetanuts request sent on a connection the host had closed, the indexer's update, the
 * push buses' subscribe and reconnect, the rate limiter's first connection to Redis) is a {@link Retry} of the one
 * {@link RetryRegistry} ({@link #registry}, the bean of {@link ResilienceConfiguration}): its calls are in the
 * {@code resilience4j_retry_calls_total} metrics under its name and each retry is logged at debug. Retries in the
 * background wait on the one task scheduler ({@code jobs.SchedulingConfiguration}), not on a thread of their own. The
 * settings of each come from {@code NutsProperties}.
 */
@Component
public class Retries {

    private static final Logger log = LoggerFactory.getLogger(Retries.class);

    private final RetryRegistry registry;
    private final ThreadPoolTaskScheduler taskScheduler;

    public Retries(RetryRegistry registry, ThreadPoolTaskScheduler taskScheduler) {
        this.registry = registry;
        this.taskScheduler = taskScheduler;
    }

    /** The registry of all retries: bound to the metrics once, every retry logged at debug. */
    public static RetryRegistry registry(MeterRegistry meters) {
        RetryRegistry registry = RetryRegistry.ofDefaults();
        TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
        registry.getEventPublisher().onEntryAdded(added -> added.getAddedEntry()
                .getEventPublisher()
                .onRetry(event -> log.debug(
                        "retry {}: attempt {} failed, again in {} ms: {}",
                        event.getName(),
                        event.getNumberOfRetryAttempts(),
                        event.getWaitInterval().toMillis(),
                        String.valueOf(event.getLastThrowable()))));
        return registry;
    }

    /**
     * The retry {@code name}, made on first use: at most {@code attempts} calls ({@link Integer#MAX_VALUE}: until one
     * works), {@code interval} apart; a call fails when it throws an exception {@code failure} accepts or returns a
     * result {@code retryOn} accepts (null: none).
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
     * The retry {@code name}, made on first use with {@code settings}: at most {@code maxAttempts} calls, waiting
     * {@code firstWait} before the second and twice as long before each further one; only the exceptions
     * {@code failure} accepts are tried again.
     */
    public Retry retry(String name, NutsProperties.Retry settings, Predicate<Throwable> failure) {
        return registry.retry(name, () -> RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.firstWait(), 2))
                .retryOnException(failure)
                .failAfterMaxAttempts(false)
                .build());
    }

    /**
     * Calls {@code attempt} on the task scheduler {@code after} from now, and again per {@code retry} until it
     * succeeds or the attempts run out; the future completes with the last result (or failure).
     */
    public <T> CompletableFuture<T> inBackground(Retry retry, Duration after, Supplier<T> attempt) {
        return inBackgroundAsync(retry, after, () -> {
            try {
                return CompletableFuture.completedFuture(attempt.get());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        });
    }

    /**
     * As {@link #inBackground} for an attempt that does not block: it starts on the task scheduler and completes its
     * stage on a thread of its own (a client's event loop); only the waits between attempts are on the scheduler.
     */
    public <T> CompletableFuture<T> inBackgroundAsync(
            Retry retry, Duration after, Supplier<? extends CompletionStage<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Supplier<CompletionStage<T>> once = () -> {
            try {
                return attempt.get();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
        try {
            ScheduledExecutorService scheduler = taskScheduler.getScheduledExecutor();
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
        } catch (RejectedExecutionException | IllegalStateException e) {
            result.completeExceptionally(e); // shutting down (or never started)
        }
        return result;
    }
}
