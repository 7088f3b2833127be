package io.nutsgate.system;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Fixed-window limit per client (its remote address): {@code limit} calls per {@code window}, then 429
 * {@code RATE_LIMITED} with {@code Retry-After}. For endpoints that make us or a remote service do work.
 */
public final class ClientRateLimiter {

    /** 429 with the seconds to wait; {@link ApiExceptionHandler} sends them as {@code Retry-After}. */
    public static final class RateLimitedException extends ApiException {
        private final long retryAfterSeconds;

        RateLimitedException(long retryAfterSeconds) {
            super(ErrorCode.RATE_LIMITED, "too many requests; retry in " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private final int limit;
    private final Duration window;
    private final Clock clock;
    /** Per client: [window start millis, calls in that window]. */
    private final Cache<String, AtomicLongArray> clients;

    public ClientRateLimiter(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
        this.clients = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterAccess(window.multipliedBy(2))
                .build();
    }

    /** Counts a call of {@code client}, or throws {@link RateLimitedException} when it is over the limit. */
    public void acquire(String client) {
        AtomicLongArray state = clients.get(client, c -> new AtomicLongArray(2));
        long now = clock.millis();
        synchronized (state) {
            if (now - state.get(0) >= window.toMillis() || now < state.get(0)) {
                state.set(0, now);
                state.set(1, 0);
            }
            if (state.get(1) >= limit) {
                throw new RateLimitedException(Math.max(1, (state.get(0) + window.toMillis() - now + 999) / 1000));
            }
            state.incrementAndGet(1);
        }
    }
}
