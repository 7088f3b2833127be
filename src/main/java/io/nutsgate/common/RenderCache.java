package io.nutsgate.common;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Rendered answers keyed by request and by the version (fetch time) of the data they were made from, so a
 * repeated request is served as stored bytes until the data behind it changes. Stale answers are not kept.
 */
public final class RenderCache {

    private record Entry(Object version, RenderedJson json) {}

    private final Cache<String, Entry> cache;

    public RenderCache(int maxEntries, Duration lifetime) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfterWrite(lifetime)
                .build();
    }

    /** {@code version} identifies the data behind the answer (compared with {@code equals}). */
    public RenderedJson get(String key, Object version, boolean stale, long ageSeconds, Supplier<byte[]> data) {
        if (!stale) {
            Entry hit = cache.getIfPresent(key);
            if (hit != null && hit.version().equals(version)) {
                return hit.json();
            }
        }
        RenderedJson json = RenderedJson.of(data.get(), stale, ageSeconds);
        if (!stale) {
            cache.put(key, new Entry(version, json));
        }
        return json;
    }
}
