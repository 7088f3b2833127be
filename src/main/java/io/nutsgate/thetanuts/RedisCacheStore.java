package io.nutsgate.thetanuts;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Shared store: the value is the fetch time (8 bytes) followed by the upstream body, under a key that
 * expires with the entry's retention. Redis trouble degrades to a cache miss, never to a failed request.
 */
class RedisCacheStore implements CacheStore {

    private static final Logger log = LoggerFactory.getLogger(RedisCacheStore.class);
    private final RedisTemplate<String, byte[]> redis;
    private final String prefix;

    /** Keys are {@code <keyPrefix>upstream:<key>} ({@code NUTS_REDIS_KEY_PREFIX}, {@code nutsgate:}). */
    RedisCacheStore(RedisConnectionFactory connections, String keyPrefix) {
        this.prefix = keyPrefix + "upstream:";
        RedisTemplate<String, byte[]> template = new RedisTemplate<>();
        template.setConnectionFactory(connections);
        template.setKeySerializer(RedisSerializer.string());
        template.setValueSerializer(RedisSerializer.byteArray());
        template.afterPropertiesSet();
        this.redis = template;
    }

    @Override
    public Optional<StoredBody> get(String key) {
        try {
            byte[] raw = redis.opsForValue().get(prefix + key);
            if (raw == null || raw.length < Long.BYTES) {
                return Optional.empty();
            }
            ByteBuffer buffer = ByteBuffer.wrap(raw);
            long fetchedAt = buffer.getLong();
            byte[] body = new byte[buffer.remaining()];
            buffer.get(body);
            return Optional.of(new StoredBody(body, fetchedAt));
        } catch (RuntimeException e) {
            log.warn("Redis read of {} failed, treating as a miss: {}", key, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, StoredBody value, Duration retain) {
        byte[] raw = ByteBuffer.allocate(Long.BYTES + value.body().length)
                .putLong(value.fetchedAtMillis())
                .put(value.body())
                .array();
        try {
            redis.opsForValue().set(prefix + key, raw, retain);
        } catch (RuntimeException e) {
            log.warn("Redis write of {} failed: {}", key, e.toString());
        }
    }

    @Override
    public void evict(String key) {
        try {
            redis.delete(prefix + key);
        } catch (RuntimeException e) {
            log.warn("Redis delete of {} failed: {}", key, e.toString());
        }
    }
}
