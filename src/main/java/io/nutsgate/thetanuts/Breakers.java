package io.nutsgate.thetanuts;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.settings.NutsProperties;
import java.net.URI;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The circuit breakers of this feature's calls: one per Thetanuts endpoint ({@code upstream-<endpoint>}, shared by the
 * cached reads, the uncached ones of {@link PositionsApi#fetchFresh} and the indexer's {@code update}) and one for
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

    /**
     * {@code call} of {@code endpoint} at {@code uri} through the endpoint's breaker. While the breaker is open it fails
     * at once, without calling, with the {@code UPSTREAM_UNAVAILABLE} a host that is down gives.
     */
    <T> T call(String endpoint, URI uri, Supplier<T> call) {
        try {
            return upstream(endpoint).executeSupplier(call);
        } catch (CallNotPermittedException e) {
            throw circuitOpen(endpoint, uri);
        }
    }

    /** What a call of {@code endpoint} gets while its breaker is open: a host that is down, not called this time. */
    static UpstreamException circuitOpen(String endpoint, URI uri) {
        return new UpstreamException(
                ErrorCode.UPSTREAM_UNAVAILABLE,
                UpstreamHosts.describe(
                        endpoint,
                        uri,
                        "too often; not called again for NUTS_UPSTREAM_BREAKER_OPEN_FOR (circuit open)",
                        true));
    }

    CircuitBreaker redis() {
        return breakers.breaker("redis", properties.redis().breaker(), e -> true);
    }
}
