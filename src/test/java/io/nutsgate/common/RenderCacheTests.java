package io.nutsgate.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RenderCacheTests {

    private final RenderCache cache = new RenderCache(16, Duration.ofMinutes(1));
    private final AtomicInteger renders = new AtomicInteger();
    private final Supplier<byte[]> data = () -> {
        renders.incrementAndGet();
        return "[1,2]".getBytes(StandardCharsets.US_ASCII);
    };

    @Test
    void shouldRenderOncePerVersionAndServeTheSameStoredBytes() {
        RenderedJson first = cache.get("k", 1L, false, 0, data);
        RenderedJson second = cache.get("k", 1L, false, 0, data);

        assertThat(second.body()).isSameAs(first.body());
        assertThat(new String(first.body(), StandardCharsets.US_ASCII)).isEqualTo("{\"success\":true,\"data\":[1,2]}");
        assertThat(renders).hasValue(1);

        cache.get("k", 2L, false, 0, data);
        assertThat(renders).hasValue(2);
    }

    @Test
    void shouldRenderAStaleAnswerOncePerSecondOfAgeNotPerRequest() {
        cache.get("k", 1L, false, 0, data);
        RenderedJson stale = cache.get("k", 1L, true, 31, data);
        for (int i = 0; i < 100; i++) {
            assertThat(cache.get("k", 1L, true, 31, data)).isSameAs(stale);
        }
        assertThat(renders).hasValue(2);
        assertThat(new String(stale.body(), StandardCharsets.US_ASCII))
                .isEqualTo("{\"success\":true,\"data\":[1,2],\"stale\":true,\"ageSeconds\":31}");

        RenderedJson older = cache.get("k", 1L, true, 32, data);
        assertThat(new String(older.body(), StandardCharsets.US_ASCII)).endsWith("\"ageSeconds\":32}");
        assertThat(older.etag()).isNotEqualTo(stale.etag());
        // the data was refreshed: the fresh answer again, not the stale one
        assertThat(new String(cache.get("k", 2L, false, 0, data).body(), StandardCharsets.US_ASCII))
                .isEqualTo("{\"success\":true,\"data\":[1,2]}");
        assertThat(renders).hasValue(4);
    }
}
