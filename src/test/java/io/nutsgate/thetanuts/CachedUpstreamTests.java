package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.MutableClock;
import io.nutsgate.support.TestProperties;
import io.nutsgate.support.TestRetries;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
            "1s",
            "upstream.timeout",
            "2s"));
    private final UpstreamHealth health = new UpstreamHealth(clock);
    private final Breakers breakers = new Breakers(properties, new CircuitBreakers(meters));
    private final CachedUpstream cache = new CachedUpstream(
            new UpstreamClient(properties, meters, ObservationRegistry.NOOP, TestRetries.inCallersThread(meters)),
            new CaffeineCacheStore(),
            health,
            breakers,
            clock,
            properties,
            meters);

    @AfterEach
    void stop() {
        cache.stop();
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
                .isEqualTo(1);
        assertThat(meters.counter("nuts.cache.requests", "resource", "stats", "result", "stale")
                        .count())
                .isEqualTo(1);
        assertThat(meters.find("nuts.upstream.latency").tag("endpoint", "stats").timers())
                .isNotEmpty();
    }

    @Test
    void shouldServeTheStaleCopyAtOnceWhileOneRefreshRunsInTheBackground() throws Exception {
        CachedUpstream.Resource<String> stats = resource(URI.create(upstream.indexerUrl() + "/stats"));
        cache.get(stats);
        clock.advance(Duration.ofSeconds(31));
        upstream.fault("/book/stats", FixtureUpstream.Fault.SLOW).slowDelay(Duration.ofSeconds(4));

        List<CachedUpstream.Fetched<String>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(cache.get(stats));
        }

        assertThat(answers).allSatisfy(fetched -> {
            assertThat(fetched.stale()).isTrue();
            assertThat(fetched.ageSeconds(clock)).isEqualTo(31);
        });
        // 20 reads while the feed hangs: one background refresh, not 20 waits
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.hits("/book/stats") == 2);
        assertThat(upstream.hits("/book/stats")).isEqualTo(2);
    }

    @Test
    void shouldReplaceTheStaleCopyOnceTheBackgroundRefreshSucceeds() {
        CachedUpstream.Resource<String> stats = resource(URI.create(upstream.indexerUrl() + "/stats"));
        long first = cache.get(stats).fetchedAtMillis();
        clock.advance(Duration.ofSeconds(31));

        assertThat(cache.get(stats).stale()).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> !cache.get(stats).stale());
        assertThat(cache.get(stats).fetchedAtMillis()).isGreaterThan(first);
        assertThat(upstream.hits("/book/stats")).isEqualTo(2);
    }

    @Test
    void shouldStopCallingAFailingEndpointOnceItsBreakerOpens() {
        CachedUpstream.Resource<String> stats = resource(URI.create(upstream.indexerUrl() + "/stats"));
        upstream.fault("/book/stats", FixtureUpstream.Fault.HTTP_500);

        for (int i = 0; i < 12; i++) {
            assertThatThrownBy(() -> cache.get(stats))
                    .isInstanceOf(UpstreamException.class)
                    .extracting(e -> ((ApiException) e).code())
                    .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        }

        // the default breaker opens after 5 calls of which at least 50 % failed; then no call leaves
        assertThat(upstream.hits("/book/stats")).isEqualTo(5);
        assertThat(breakers.upstream("stats").getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void shouldNotOpenTheBreakerForAnswersThatAreMerelyUnexpected() {
        CachedUpstream.Resource<String> stats = resource(URI.create(upstream.indexerUrl() + "/nope"));

        for (int i = 0; i < 8; i++) {
            assertThatThrownBy(() -> cache.get(stats)).isInstanceOf(UpstreamException.class);
        }

        assertThat(upstream.hits("/book/nope"))
                .as("404s are answers, the host is up")
                .isEqualTo(8);
        assertThat(breakers.upstream("stats").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void shouldFailAConnectionResetAsARefusalAndCountItForTheBreaker() throws IOException {
        try (ServerSocket resetting = new ServerSocket(0)) {
            Thread.ofVirtual().start(() -> {
                while (!resetting.isClosed()) {
                    try (Socket socket = resetting.accept()) {
                        socket.setSoLinger(true, 0); // close with RST, no answer
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            CachedUpstream.Resource<String> reset =
                    resource(URI.create("http://127.0.0.1:" + resetting.getLocalPort() + "/"));

            assertThatThrownBy(() -> cache.get(reset))
                    .isInstanceOf(UpstreamException.class)
                    .extracting(e -> ((ApiException) e).code())
                    .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        }
        assertThat(breakers.upstream("stats").getMetrics().getNumberOfFailedCalls())
                .isEqualTo(1);
    }

    @Test
    void shouldKeepTheLastGoodValueWhenAForcedRefreshFails() {
        CachedUpstream.Resource<String> stats = resource(URI.create(upstream.indexerUrl() + "/stats"));
        CachedUpstream.Fetched<String> good = cache.get(stats);
        upstream.fault("/book/stats", FixtureUpstream.Fault.HTTP_500);

        assertThat(cache.refresh(stats)).isFalse();

        CachedUpstream.Fetched<String> after = cache.get(stats);
        assertThat(after.value()).isEqualTo(good.value());
        assertThat(after.fetchedAtMillis()).isEqualTo(good.fetchedAtMillis());
        assertThat(after.stale()).isFalse();
    }

    @Test
    void shouldFetchAReadInSteadyUseAgainBeforeItExpiresSoThatItIsNeverServedStale() {
        CachedUpstream.Resource<String> stats =
                resource(URI.create(upstream.indexerUrl() + "/stats")).refreshedAhead();
        long first = cache.get(stats).fetchedAtMillis();

        clock.advance(Duration.ofSeconds(21)); // 70 % of its 30 s: nothing to do yet
        assertThat(cache.freshInProcess(stats)).isPresent();
        assertThat(upstream.hits("/book/stats")).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2)); // 77 %: the read is answered from the cache and starts the next fetch
        assertThat(cache.freshInProcess(stats).orElseThrow().fetchedAtMillis()).isEqualTo(first);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.freshInProcess(stats).orElseThrow().fetchedAtMillis() > first);
        assertThat(upstream.hits("/book/stats")).isEqualTo(2);

        clock.advance(Duration.ofSeconds(10)); // past the first value's lifetime: the new one is still fresh
        CachedUpstream.Fetched<String> read = cache.get(stats);
        assertThat(read.stale()).isFalse();
        assertThat(meters.counter("nuts.cache.requests", "resource", "stats", "result", "stale")
                        .count())
                .isZero();
    }

    @Test
    void shouldTakeTheNewerBodyAnotherInstanceStoredInsteadOfFetchingAheadItself() {
        CacheStore shared = new CaffeineCacheStore();
        CachedUpstream one = instanceOver(shared);
        CachedUpstream other = instanceOver(shared);
        try {
            CachedUpstream.Resource<String> stats =
                    resource(URI.create(upstream.indexerUrl() + "/stats")).refreshedAhead();
            long first = one.get(stats).fetchedAtMillis();
            assertThat(other.get(stats).fetchedAtMillis())
                    .as("read from the shared store")
                    .isEqualTo(first);
            assertThat(upstream.hits("/book/stats")).isEqualTo(1);

            clock.advance(Duration.ofSeconds(23));
            one.freshInProcess(stats);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> one.freshInProcess(stats).orElseThrow().fetchedAtMillis() > first);
            long refreshed = one.freshInProcess(stats).orElseThrow().fetchedAtMillis();

            clock.advance(Duration.ofSeconds(1));
            other.freshInProcess(stats); // due as well: finds the body the first instance just stored
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> other.freshInProcess(stats).orElseThrow().fetchedAtMillis() == refreshed);
            assertThat(upstream.hits("/book/stats"))
                    .as("one fetch ahead for both instances")
                    .isEqualTo(2);
        } finally {
            one.stop();
            other.stop();
        }
    }

    private CachedUpstream instanceOver(CacheStore store) {
        return new CachedUpstream(
                new UpstreamClient(properties, meters, ObservationRegistry.NOOP, TestRetries.inCallersThread(meters)),
                store,
                health,
                breakers,
                clock,
                properties,
                meters);
    }

    @Test
    void shouldNotFetchAheadAResourceThatDoesNotAskForIt() {
        CachedUpstream.Resource<String> stats = resource(URI.create(upstream.indexerUrl() + "/stats"));
        cache.get(stats);

        clock.advance(Duration.ofSeconds(29));
        cache.get(stats);
        assertThat(cache.freshInProcess(stats)).isPresent();

        assertThat(upstream.hits("/book/stats")).isEqualTo(1);
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
