package io.nutsgate.thetanuts;

import java.time.Duration;
import java.util.Optional;

/**
 * Where upstream bodies are kept between requests: in process (Caffeine) by default, or in Redis when
 * {@code REDIS_URL} is set so that several instances share what any of them fetched.
 */
public interface CacheStore {

    Optional<StoredBody> get(String key);

    /** Keeps {@code value} for {@code retain}: its fresh lifetime plus how long it may still be served stale. */
    void put(String key, StoredBody value, Duration retain);

    void evict(String key);

    /** An upstream body exactly as received, with the time it was fetched. */
    record StoredBody(byte[] body, long fetchedAtMillis) {}
}
