package io.nutsgate.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.settings.NutsProperties;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one registry of the circuit breakers (Resilience4j) around calls that leave the process, each configured from a
 * {@link NutsProperties.Breaker}: state transitions are logged, state and calls are in the
 * {@code resilience4j_circuitbreaker_*} metrics. The features name their own: {@code upstream-<endpoint>} (every
 * Thetanuts call) and {@code redis} (the cache), {@code redis-rate-limits} (the rate limits), {@code rpc}
 * (the JSON-RPC node), {@code push-redis} and {@code push-pg-notify} (the push buses' publishes),
 * {@code quick-auth-jwks} (the Farcaster Quick Auth key set). Retries are made by {@link Retries}.
 */
@Component
public class CircuitBreakers {

    private static final Logger log = LoggerFactory.getLogger(CircuitBreakers.class);

    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();

    public CircuitBreakers(MeterRegistry meters) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
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
}
