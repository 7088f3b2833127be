package io.nutsgate.thetanuts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.Optional;

/** In-process store; each entry lives for the retention its writer asked for. */
class CaffeineCacheStore implements CacheStore {

    private record Entry(StoredBody value, Duration retain) {}

    private final Cache<String, Entry> cache = Caffeine.newBuilder()
            .maximumWeight(256L * 1024 * 1024)
            .<String, Entry>weigher((key, entry) -> entry.value().body().length + key.length())
            .expireAfter(Expiry.<String, Entry>writing((key, entry) -> entry.retain()))
            .build();

    @Override
    public Optional<StoredBody> get(String key) {
        return Optional.ofNullable(cache.getIfPresent(key)).map(Entry::value);
    }

    @Override
    public void put(String key, StoredBody value, Duration retain) {
        cache.put(key, new Entry(value, retain));
    }

    @Override
    public void evict(String key) {
        cache.invalidate(key);
    }
}
