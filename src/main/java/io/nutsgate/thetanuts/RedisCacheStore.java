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
    static final String PREFIX = "nutsgate:upstream:";

    private final RedisTemplate<String, byte[]> redis;

    RedisCacheStore(RedisConnectionFactory connections) {
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
            byte[] raw = redis.opsForValue().get(PREFIX + key);
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
            redis.opsForValue().set(PREFIX + key, raw, retain);
        } catch (RuntimeException e) {
            log.warn("Redis write of {} failed: {}", key, e.toString());
        }
    }

    @Override
    public void evict(String key) {
        try {
            redis.delete(PREFIX + key);
        } catch (RuntimeException e) {
            log.warn("Redis delete of {} failed: {}", key, e.toString());
        }
    }
}
