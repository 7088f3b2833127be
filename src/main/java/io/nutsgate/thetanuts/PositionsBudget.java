package io.nutsgate.thetanuts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.nutsgate.ratelimit.RateLimiter;
import io.nutsgate.ratelimit.RateLimiters;
import io.nutsgate.settings.NutsProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * The positions reads one client may make the indexer do, whichever way it asks: {@code POST /nuts/positions} and
 * Socket.IO's {@code subscribe:positions} draw on one bucket per client (the rate limits' client address, see
 * {@link io.nutsgate.ratelimit.ClientAddresses}) of {@code NUTS_POSITIONS_RATE_LIMIT} addresses per window. An address
 * anyone asked this instance for within the positions cache lifetime ({@code NUTS_CACHE_TTL_POSITIONS}), or whose open
 * positions the cache holds fresh (with Redis, also when another instance read them), is served from the cache
 * ({@link PositionsApi#fetchCached}) and not counted. Past the limit
 * {@link io.nutsgate.ratelimit.RateLimiter.RateLimitedException} ({@code RATE_LIMITED}), before any upstream call.
 */
@Component
public class PositionsBudget {

    /** The bucket's name: its Redis keys ({@code NUTS_RATE_LIMIT_PREFIX}positions:…) are the ones REST always used. */
    static final String LIMIT = "positions";

    private final RateLimiter newAddresses;
    private final PositionsApi positions;
    /** Addresses asked for within the positions cache lifetime: served from the cache, not counted. */
    private final Cache<String, Boolean> recent;

    PositionsBudget(NutsProperties properties, RateLimiters limiters, PositionsApi positions) {
        this.positions = positions;
        this.newAddresses = limiters.limiter(
                LIMIT,
                properties.positionsRateLimit().requests(),
                properties.positionsRateLimit().window());
        this.recent = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(properties.cache().ttl().positions())
                .build();
    }

    /** Counts {@code address} (lower case) for the request's client unless it is not new; throws past the limit. */
    public void acquire(HttpServletRequest request, String address) {
        count(address, true, () -> newAddresses.acquire(request));
    }

    /** The same for {@code client}, a key of {@link io.nutsgate.ratelimit.ClientAddresses#clientKey}. */
    public void acquire(String client, String address) {
        count(address, true, () -> newAddresses.acquire(client));
    }

    /**
     * Counts {@code address} again for {@code client}, who kept it followed for a whole positions cache lifetime,
     * unless somebody asked this instance for it within the lifetime. Its being cached fresh does not make it free:
     * the watch following it for this client is what keeps it fresh.
     */
    public void renew(String client, String address) {
        count(address, false, () -> newAddresses.acquire(client));
    }

    /**
     * Draws a token unless {@code address} was asked for here lately (a read may still be under way) or, when
     * {@code freeWhenCachedFresh}, its open positions are cached fresh by any instance.
     */
    private void count(String address, boolean freeWhenCachedFresh, Runnable draw) {
        if (recent.getIfPresent(address) != null || (freeWhenCachedFresh && positions.isOpenCachedFresh(address))) {
            return;
        }
        draw.run();
        recent.put(address, Boolean.TRUE);
    }
}
