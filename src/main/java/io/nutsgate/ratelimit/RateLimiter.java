package io.nutsgate.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;

/**
 * {@code requests} calls per window per client (see {@link ClientAddresses}), then 429 {@code RATE_LIMITED} with
 * {@code Retry-After}. For endpoints that make us or a remote service do work. Made by {@link RateLimiters}.
 */
public final class RateLimiter {

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

    private final String name;
    private final RateLimiters limiters;
    private final BucketConfiguration configuration;

    RateLimiter(String name, RateLimiters limiters, BucketConfiguration configuration) {
        this.name = name;
        this.limiters = limiters;
        this.configuration = configuration;
    }

    /** Counts a call of the request's client, or throws {@link RateLimitedException} when it is over the limit. */
    public void acquire(HttpServletRequest request) {
        acquire(limiters.clientKey(request));
    }

    /** Counts a call of {@code client} (a key from {@link ClientAddresses#clientKey}). */
    public void acquire(String client) {
        ConsumptionProbe probe = limiters.consume(name, client, configuration);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
            throw new RateLimitedException(seconds);
        }
    }
}
