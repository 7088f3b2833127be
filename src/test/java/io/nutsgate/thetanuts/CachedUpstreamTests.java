package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.MutableClock;
import io.nutsgate.support.TestProperties;
import io.nutsgate.system.NutsProperties;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** The cache and the health indicator over real loopback HTTP, without the web layer. */
class CachedUpstreamTests {

    private final FixtureUpstream upstream = new FixtureUpstream();
    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final NutsProperties properties = TestProperties.with(Map.of(
            "orders-url",
            upstream.ordersUrl(),
            "indexer-url",
            upstream.indexerUrl(),
            "upstream.connect-timeout",
            "500ms",
            "upstream.timeout",
            "500ms"));
    private final UpstreamHealth health = new UpstreamHealth(clock);
    private final CachedUpstream cache = new CachedUpstream(
            new UpstreamClient(properties, meters), new CaffeineCacheStore(), health, clock, properties, meters);

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void shouldReportUnavailableWhenTheConnectionIsRefused() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CachedUpstream.Resource<String> refused = resource(URI.create("http://127.0.0.1:" + closedPort + "/"));

        assertThatThrownBy(() -> cache.get(refused))
                .isInstanceOf(ApiException.class)
                .extracting(e -> ((ApiException) e).code())
                .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void shouldNotStoreABodyThatDoesNotParse() {
        upstream.fault("/book/stats", FixtureUpstream.Fault.HTML);
        CachedUpstream.Resource<String> stats = new CachedUpstream.Resource<>(
                "stats", "stats", URI.create(upstream.indexerUrl() + "/stats"), Duration.ofSeconds(30), body -> {
                    String text = new String(body, StandardCharsets.UTF_8);
                    if (!text.startsWith("{")) throw UpstreamException.badResponse("not an object");
                    return text;
                });
        assertThatThrownBy(() -> cache.get(stats)).isInstanceOf(UpstreamException.class);
        assertThat(upstream.hits("/book/stats")).isEqualTo(1);

        upstream.reset();
        assertThat(cache.get(stats).value()).contains("totalOptionsTracked");
        assertThat(cache.get(stats).stale()).isFalse();
        assertThat(upstream.hits("/book/stats"))
                .as("the bad body was not cached")
                .isEqualTo(1);
    }

    @Test
    void shouldTurnHealthDownOnlyAfterThreeFailuresInARow() {
        CachedUpstream.Resource<String> stats = resource(URI.create(upstream.indexerUrl() + "/stats"));
        upstream.fault("/book/stats", FixtureUpstream.Fault.HTTP_500);

        attempt(stats);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        attempt(stats);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        attempt(stats);
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

        upstream.reset();
        attempt(stats);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void shouldCountHitsMissesAndStaleServes() {
        CachedUpstream.Resource<String> stats = resource(URI.create(upstream.indexerUrl() + "/stats"));
        cache.get(stats);
        cache.get(stats);
        clock.advance(Duration.ofSeconds(31));
        upstream.fault("/book/stats", FixtureUpstream.Fault.HTTP_500);
        assertThat(cache.get(stats).stale()).isTrue();

        assertThat(meters.counter("nuts.cache.requests", "resource", "stats", "result", "hit")
                        .count())
                .isEqualTo(1);
        assertThat(meters.counter("nuts.cache.requests", "resource", "stats", "result", "miss")
                        .count())
                .isEqualTo(2);
        assertThat(meters.counter("nuts.cache.requests", "resource", "stats", "result", "stale")
                        .count())
                .isEqualTo(1);
        assertThat(meters.find("nuts.upstream.latency").tag("endpoint", "stats").timers())
                .isNotEmpty();
    }

    private void attempt(CachedUpstream.Resource<String> resource) {
        try {
            cache.get(resource);
        } catch (UpstreamException expected) {
            // the health indicator is what this test watches
        }
        clock.advance(Duration.ofMinutes(20)); // never fresh, never servable stale
    }

    private static CachedUpstream.Resource<String> resource(URI uri) {
        return new CachedUpstream.Resource<>(
                "key:" + uri, "stats", uri, Duration.ofSeconds(30), body -> new String(body, StandardCharsets.UTF_8));
    }
}
