package io.nutsgate.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.settings.NutsProperties;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one registry of the circuit breakers and retries (Resilience4j) around calls that leave the process, each
 * configured from a {@link NutsProperties.Breaker} or {@link NutsProperties.Retry}: state transitions are logged, state
 * and calls are in the {@code resilience4j_circuitbreaker_*} and {@code resilience4j_retry_*} metrics. The features
 * name their own: {@code upstream-<endpoint>} and {@code redis} (the cache), {@code redis-rate-limits}
 * ({@link RateLimiters}), {@code rpc} (the JSON-RPC node, breaker and retry).
 */
@Component
public class CircuitBreakers {

    private static final Logger log = LoggerFactory.getLogger(CircuitBreakers.class);

    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
    private final RetryRegistry retries = RetryRegistry.ofDefaults();

    public CircuitBreakers(MeterRegistry meters) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
        registry.getEventPublisher().onEntryAdded(added -> added.getAddedEntry()
                .getEventPublisher()
                .onStateTransition(event ->
                        log.warn("circuit breaker {}: {}", event.getCircuitBreakerName(), event.getStateTransition())));
    }

    /**
     * The breaker {@code name}, made on first use with {@code settings}; the exceptions {@code failure} accepts count
     * as failures, the others as successes.
     */
    public CircuitBreaker breaker(String name, NutsProperties.Breaker settings, Predicate<Throwable> failure) {
        return registry.circuitBreaker(name, () -> CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.window())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(failure)
                .build());
    }

    /**
     * The retry {@code name}, made on first use with {@code settings} (exponential waits from {@code firstWait}); only the
     * exceptions {@code retryOn} accepts are tried again.
     */
    public Retry retry(String name, NutsProperties.Retry settings, Predicate<Throwable> retryOn) {
        return retries.retry(name, () -> RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.firstWait(), 2))
                .retryOnException(retryOn)
                .failAfterMaxAttempts(false)
                .build());
    }
}
