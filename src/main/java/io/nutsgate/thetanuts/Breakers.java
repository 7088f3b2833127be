package io.nutsgate.thetanuts;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.settings.NutsProperties;
import org.springframework.stereotype.Component;

/**
 * The circuit breakers of this feature's calls: one per Thetanuts endpoint ({@code upstream-<endpoint>}) and one for
 * the Redis cache ({@code redis}), configured from {@code nuts.upstream.breaker} and {@code nuts.redis.breaker}, with
 * their state in the {@code resilience4j_circuitbreaker_*} metrics ({@link CircuitBreakers}).
 */
@Component
public class Breakers {

    private final CircuitBreakers breakers;
    private final NutsProperties properties;

    Breakers(NutsProperties properties, CircuitBreakers breakers) {
        this.properties = properties;
        this.breakers = breakers;
    }

    /** The breaker of one Thetanuts endpoint (the name used in metrics: {@code orders}, {@code positions}, …). */
    public CircuitBreaker upstream(String endpoint) {
        // A host that answers something unexpected is up: only unreachable and too slow count as failures.
        return breakers.breaker(
                "upstream-" + endpoint,
                properties.upstream().breaker(),
                e -> e instanceof UpstreamException u && u.code() != ErrorCode.UPSTREAM_BAD_RESPONSE);
    }

    CircuitBreaker redis() {
        return breakers.breaker("redis", properties.redis().breaker(), e -> true);
    }
}
