package io.nutsgate.positions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.nutsgate.config.NutsProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import org.springframework.stereotype.Component;

/**
 * Fixed-window limit on {@code /nuts/update} per client: it makes the indexer work, so a client gets
 * {@code requests} calls per {@code window}.
 */
@Component
class UpdateRateLimiter {

    private final int limit;
    private final Duration window;
    private final Clock clock;
    /** Per client: [window start millis, calls in that window]. */
    private final Cache<String, AtomicLongArray> clients;

    UpdateRateLimiter(NutsProperties properties, Clock clock) {
        this.limit = properties.updateRateLimit().requests();
        this.window = properties.updateRateLimit().window();
        this.clock = clock;
        this.clients = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterAccess(window.multipliedBy(2))
                .build();
    }

    /** Seconds to wait before the next allowed call, or 0 if this call is allowed (and counted). */
    long acquire(String client) {
        AtomicLongArray state = clients.get(client, c -> new AtomicLongArray(2));
        long now = clock.millis();
        synchronized (state) {
            if (now - state.get(0) >= window.toMillis() || now < state.get(0)) {
                state.set(0, now);
                state.set(1, 0);
            }
            if (state.get(1) >= limit) {
                return Math.max(1, (state.get(0) + window.toMillis() - now + 999) / 1000);
            }
            state.incrementAndGet(1);
            return 0;
        }
    }
}
