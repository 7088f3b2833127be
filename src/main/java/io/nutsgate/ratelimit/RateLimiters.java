package io.nutsgate.ratelimit;

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
import io.github.resilience4j.retry.Retry;
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
import io.nutsgate.common.RateLimitedLog;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.resilience.Retries;
import io.nutsgate.settings.NutsProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * requests do not wait for it; one trial call after {@code open-for} brings the shared counting back. An instance
 * whose Redis does not answer at start-up starts all the same (one warning), counts in process and attaches to Redis
 * in the background as soon as it answers (the {@code redis-rate-limits-connect} retry of {@link Retries}; Lettuce's
 * own reconnect only takes over once a first connection was made).
 */
@Component
public class RateLimiters implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RateLimiters.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** How often an instance that started without Redis tries it again. */
    private static final Duration CONNECT_RETRY = Duration.ofSeconds(1);
    /** Beyond the connect timeout, for the handshake (HELLO, AUTH, SELECT) at start-up. */
    private static final Duration CONNECT_WAIT_MARGIN = Duration.ofSeconds(1);

    private static final TimeUnit MILLIS = TimeUnit.MILLISECONDS;

    private final ClientAddresses clients;
    private final TimeMeter time;
    private final String prefix;
    private final ProxyManager<String> local;
    private final Duration redisTimeout;
    private final ClientResources redisResources;
    private final RedisClient redisClient;
    private final RedisURI redisUri;
    private final CircuitBreaker redisBreaker;
    private final Retries retries;
    /** Guards {@link #redisConnection}, {@link #shared} and {@link #closed} against a late connect. */
    private final Object connecting = new Object();
    /** Null until Redis first answers: counted in process meanwhile. */
    private volatile StatefulRedisConnection<String, byte[]> redisConnection;

    private volatile ProxyManager<String> shared;
    private volatile boolean closed;
    private final RateLimitedLog redisTrouble = new RateLimitedLog(log, Duration.ofMinutes(1));

    RateLimiters(
            NutsProperties properties,
            ClientAddresses clients,
            Clock clock,
            CircuitBreakers breakers,
            Retries retries) {
        this.clients = clients;
        this.retries = retries;
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
            this.redisTimeout = timeout;
            // As the cache's client (thetanuts.CacheStoreConfiguration): while the connection is down commands fail
            // at once instead of queueing, and it reconnects within a second of Redis coming back.
            this.redisResources = DefaultClientResources.builder()
                    .reconnectDelay(
                            Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                    .build();
            this.redisUri = RedisURI.create(properties.redisUrl());
            redisUri.setTimeout(timeout);
            this.redisClient = RedisClient.create(redisResources, redisUri);
            redisClient.setOptions(ClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .autoReconnect(true)
                    .socketOptions(
                            SocketOptions.builder().connectTimeout(timeout).build())
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .build());
            this.redisBreaker =
                    breakers.breaker("redis-rate-limits", properties.redis().breaker(), e -> true);
            connectAtStart();
        } else {
            this.redisTimeout = null;
            this.redisResources = null;
            this.redisBreaker = null;
            this.redisClient = null;
            this.redisUri = null;
        }
    }

    /**
     * Connects to Redis, waiting for the first attempt at most the connect timeout (and a margin for the handshake).
     * If it does not answer the instance starts anyway, counting in process, and the retry goes on in the background
     * every {@link #CONNECT_RETRY} until Redis answers.
     */
    private void connectAtStart() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        Retry retry = retries.retry("redis-rate-limits-connect", Integer.MAX_VALUE, CONNECT_RETRY, e -> true, null);
        retries.inBackgroundAsync(retry, Duration.ZERO, () -> connect().whenComplete((ok, failure) -> {
            if (failure == null) {
                first.complete(null);
            } else {
                first.completeExceptionally(failure); // only the first attempt's outcome counts
            }
        }));
        try {
            first.get(redisTimeout.toMillis() + CONNECT_WAIT_MARGIN.toMillis(), MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notYetAttached(e);
        } catch (ExecutionException e) {
            notYetAttached(e.getCause());
        } catch (TimeoutException e) {
            // still under way: attached if it succeeds, tried again if it fails
            notYetAttached("no answer within " + redisTimeout.toMillis() + "ms");
        }
    }

    private void notYetAttached(Object why) {
        log.warn(
                "Redis ({}:{}) does not answer: the instance starts and counts rate limits in process (per instance)"
                        + " until it does, trying again every {}s: {}",
                redisUri.getHost(),
                redisUri.getPort(),
                CONNECT_RETRY.toSeconds(),
                String.valueOf(why));
    }

    /**
     * One connection attempt (not blocking: Lettuce completes it on its event loop); when it succeeds Redis counts from
     * then on. After {@link #destroy} it does nothing and succeeds, which ends the retry.
     */
    private CompletableFuture<Boolean> connect() {
        if (closed) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<StatefulRedisConnection<String, byte[]>> attempt;
        try {
            attempt = redisClient.connectAsync(CODEC, redisUri).toCompletableFuture();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        return attempt.thenApply(this::attached);
    }

    /** From now on buckets live in Redis; Lettuce keeps this connection up (reconnecting) until {@link #destroy}. */
    private boolean attached(StatefulRedisConnection<String, byte[]> connection) {
        synchronized (connecting) {
            if (closed) {
                connection.closeAsync();
                return false;
            }
            this.redisConnection = connection;
            this.shared = Bucket4jLettuce.casBasedBuilder(connection)
                    .clientClock(time)
                    .requestTimeout(redisTimeout)
                    .expirationAfterWrite(
                            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build();
        }
        log.info("rate limits are counted in Redis under {}*, shared by all instances", prefix);
        return true;
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
        ProxyManager<String> shared = this.shared;
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
        StatefulRedisConnection<String, byte[]> connection;
        synchronized (connecting) {
            closed = true;
            connection = redisConnection;
        }
        if (connection != null) {
            connection.close();
        }
        if (redisClient != null) {
            redisClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (redisResources != null) {
            redisResources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
