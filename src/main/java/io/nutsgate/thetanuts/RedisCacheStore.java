package io.nutsgate.thetanuts;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Shared store: the value is the fetch time (8 bytes) followed by the upstream body, under a key that expires with
 * the entry's retention. Redis trouble degrades to a cache miss, never to a failed request: every command has the
 * short {@code nuts.redis.timeout}, and while the {@code redis} circuit breaker is open Redis is not called at all.
 * Nothing here connects at start-up: with Redis down then, the instance starts, caches in process, and the
 * connection factory connects on the first command after Redis answers.
 */
class RedisCacheStore implements CacheStore {

    private static final Logger log = LoggerFactory.getLogger(RedisCacheStore.class);
    private final RedisTemplate<String, byte[]> redis;
    private final CircuitBreaker breaker;
    private final String prefix;
    private final AtomicBoolean failing = new AtomicBoolean();

    /** Keys are {@code <keyPrefix>upstream:<key>} ({@code NUTS_REDIS_KEY_PREFIX}, {@code nutsgate:}). */
    RedisCacheStore(RedisConnectionFactory connections, String keyPrefix, CircuitBreaker breaker) {
        this.prefix = keyPrefix + "upstream:";
        RedisTemplate<String, byte[]> template = new RedisTemplate<>();
        template.setConnectionFactory(connections);
        template.setKeySerializer(RedisSerializer.string());
        template.setValueSerializer(RedisSerializer.byteArray());
        template.afterPropertiesSet();
        this.redis = template;
        this.breaker = breaker;
    }

    @Override
    public Optional<StoredBody> get(String key) {
        byte[] raw = call("read", key, () -> redis.opsForValue().get(prefix + key));
        if (raw == null || raw.length < Long.BYTES) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        long fetchedAt = buffer.getLong();
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        return Optional.of(new StoredBody(body, fetchedAt));
    }

    @Override
    public void put(String key, StoredBody value, Duration retain) {
        byte[] raw = ByteBuffer.allocate(Long.BYTES + value.body().length)
                .putLong(value.fetchedAtMillis())
                .put(value.body())
                .array();
        call("write", key, () -> {
            redis.opsForValue().set(prefix + key, raw, retain);
            return null;
        });
    }

    @Override
    public void evict(String key) {
        call("delete", key, () -> redis.delete(prefix + key));
    }

    /**
     * Runs one command through the breaker; a failure, or an open breaker, gives null. The first failure of an outage
     * (Redis down at start-up included) is logged as a warning, the next ones at debug, and the first success after
     * them once.
     */
    private <T> T call(String what, String key, Supplier<T> command) {
        T result;
        try {
            result = breaker.executeSupplier(command);
        } catch (CallNotPermittedException e) {
            return null; // Redis is down: the in-process level serves meanwhile
        } catch (RuntimeException e) {
            if (failing.compareAndSet(false, true)) {
                log.warn(
                        "Redis {} of {} failed, the cache serves from process until Redis answers: {}",
                        what,
                        key,
                        e.toString());
            } else {
                log.debug("Redis {} of {} failed: {}", what, key, e.toString());
            }
            return null;
        }
        if (failing.compareAndSet(true, false)) {
            log.info("Redis answers again: the cache is shared between instances");
        }
        return result;
    }
}
