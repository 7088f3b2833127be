package io.nutsgate.thetanuts;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.system.NutsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The circuit breakers of the calls that leave the process: one per Thetanuts endpoint ({@code upstream-<endpoint>})
 * and one for Redis ({@code redis}), configured from {@code nuts.upstream.breaker} and {@code nuts.redis.breaker},
 * with their state in the {@code resilience4j_circuitbreaker_*} metrics.
 */
@Component
public class Breakers {

    private static final Logger log = LoggerFactory.getLogger(Breakers.class);

    private static final String UPSTREAM = "upstream";
    private static final String REDIS = "redis";

    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();

    Breakers(NutsProperties properties, MeterRegistry meters) {
        // A host that answers something unexpected is up: only unreachable and too slow count as failures.
        registry.addConfiguration(
                UPSTREAM,
                config(properties.upstream().breaker())
                        .recordException(
                                e -> e instanceof UpstreamException u && u.code() != ErrorCode.UPSTREAM_BAD_RESPONSE)
                        .build());
        registry.addConfiguration(REDIS, config(properties.redis().breaker()).build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        registry.getEventPublisher().onEntryAdded(added -> added.getAddedEntry()
                .getEventPublisher()
                .onStateTransition(event ->
                        log.warn("circuit breaker {}: {}", event.getCircuitBreakerName(), event.getStateTransition())));
    }

    /** The breaker of one Thetanuts endpoint (the name used in metrics: {@code orders}, {@code positions}, …). */
    public CircuitBreaker upstream(String endpoint) {
        return registry.circuitBreaker(UPSTREAM + "-" + endpoint, UPSTREAM);
    }

    CircuitBreaker redis() {
        return registry.circuitBreaker(REDIS, REDIS);
    }

    private static CircuitBreakerConfig.Builder config(NutsProperties.Breaker settings) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.window())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(1);
    }
}
