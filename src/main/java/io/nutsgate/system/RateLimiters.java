package io.nutsgate.system;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.caffeine.Bucket4jCaffeine;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Makes the per-client {@link RateLimiter}s. Token buckets from Bucket4j, kept in Redis under
 * {@code NUTS_RATE_LIMIT_PREFIX} when {@code REDIS_URL} is set (so all instances count together), in process
 * otherwise. If Redis fails or does not answer within {@code nuts.redis.timeout}, the in-process buckets count
 * instead: limits stay per instance for the outage rather than failing requests or letting everything through. The
 * {@code redis-rate-limits} circuit breaker ({@code nuts.redis.breaker}) stops calling Redis while it is down, so
 * requests do not wait for it; one trial call after {@code open-for} brings the shared counting back.
 */
@Component
public class RateLimiters implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RateLimiters.class);

    private final ClientAddresses clients;
    private final TimeMeter time;
    private final String prefix;
    private final ProxyManager<String> local;
    private final ClientResources redisResources;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, byte[]> redisConnection;
    private final ProxyManager<String> shared;
    private final CircuitBreaker redisBreaker;
    private final RateLimitedLog redisTrouble = new RateLimitedLog(log, Duration.ofMinutes(1));

    RateLimiters(NutsProperties properties, ClientAddresses clients, Clock clock, CircuitBreakers breakers) {
        this.clients = clients;
        this.prefix = properties.clients().rateLimitPrefix();
        // The application clock, so limits follow the time everything else uses (and tests can move it).
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return TimeUnit.MILLISECONDS.toNanos(clock.millis());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.local = Bucket4jCaffeine.<String>builderFor(Caffeine.newBuilder().maximumSize(200_000))
                .clientClock(time)
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        warmUp();
        if (properties.hasRedis()) {
            Duration timeout = properties.redis().timeout();
            // As the cache's client (thetanuts.CacheStoreConfiguration): while the connection is down commands fail
            // at once instead of queueing, and it reconnects within a second of Redis coming back.
            this.redisResources = DefaultClientResources.builder()
                    .reconnectDelay(
                            Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                    .build();
            RedisURI uri = RedisURI.create(properties.redisUrl());
            uri.setTimeout(timeout);
            this.redisClient = RedisClient.create(redisResources, uri);
            redisClient.setOptions(ClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .autoReconnect(true)
                    .socketOptions(
                            SocketOptions.builder().connectTimeout(timeout).build())
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .build());
            this.redisConnection = redisClient.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            this.shared = Bucket4jLettuce.casBasedBuilder(redisConnection)
                    .clientClock(time)
                    .requestTimeout(timeout)
                    .expirationAfterWrite(
                            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build();
            this.redisBreaker =
                    breakers.breaker("redis-rate-limits", properties.redis().breaker(), e -> true);
            log.info("rate limits are counted in Redis under {}*, shared by all instances", prefix);
        } else {
            this.redisResources = null;
            this.redisBreaker = null;
            this.redisClient = null;
            this.redisConnection = null;
            this.shared = null;
        }
    }

    /** Loads and links the bucket code now, not on the first limited request. */
    private void warmUp() {
        String key = prefix + "warm-up";
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(1).refillIntervally(1, Duration.ofSeconds(1)))
                .build();
        local.builder().build(key, () -> configuration).tryConsumeAndReturnRemaining(1);
        local.removeProxy(key);
    }

    /** A limit of {@code requests} per {@code window} per client; {@code name} keeps limits of one client apart. */
    public RateLimiter limiter(String name, int requests, Duration window) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(requests).refillIntervally(requests, window))
                .build();
        return new RateLimiter(name, this, configuration);
    }

    String clientKey(jakarta.servlet.http.HttpServletRequest request) {
        return clients.clientKey(request);
    }

    ConsumptionProbe consume(String name, String client, BucketConfiguration configuration) {
        String key = prefix + name + ":" + client;
        if (shared != null) {
            try {
                return redisBreaker.executeSupplier(
                        () -> shared.builder().build(key, () -> configuration).tryConsumeAndReturnRemaining(1));
            } catch (CallNotPermittedException e) {
                // Redis is down (the breaker is open): counted in process without waiting for it
            } catch (RuntimeException e) {
                redisTrouble.info(
                        "redis", "Redis rate-limit counters unavailable, counting in process: {}", e.toString());
            }
        }
        return local.builder().build(key, () -> configuration).tryConsumeAndReturnRemaining(1);
    }

    @Override
    public void destroy() {
        if (redisConnection != null) {
            redisConnection.close();
        }
        if (redisClient != null) {
            redisClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (redisResources != null) {
            redisResources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
