package io.nutsgate.common;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Rendered answers keyed by request and by the version (fetch time) of the data they were made from, so a
 * repeated request is served as stored bytes until the data behind it changes. A stale answer carries its age in
 * its body, so it is rendered once per second of age (not per request) while the data cannot be refreshed.
 */
public final class RenderCache {

    /** {@code staleAge}: the age in the body, or -1 for a fresh answer. */
    private record Entry(Object version, long staleAge, RenderedJson json) {}

    private final Cache<String, Entry> cache;

    public RenderCache(int maxEntries, Duration lifetime) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfterWrite(lifetime)
                .build();
    }

    /** {@code version} identifies the data behind the answer (compared with {@code equals}). */
    public RenderedJson get(String key, Object version, boolean stale, long ageSeconds, Supplier<byte[]> data) {
        long staleAge = stale ? Math.max(ageSeconds, 0) : -1;
        Entry hit = cache.getIfPresent(key);
        if (hit != null && hit.staleAge() == staleAge && hit.version().equals(version)) {
            return hit.json();
        }
        RenderedJson json = RenderedJson.of(data.get(), stale, ageSeconds);
        cache.put(key, new Entry(version, staleAge, json));
        return json;
    }
}
