package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.resilience.Retries;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.MutableClock;
import io.nutsgate.support.TestProperties;
import io.nutsgate.support.TestRetries;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The indexer calls that bypass the cache ({@code POST /update}, the fresh positions reads) go through their endpoint's
 * breaker too: two failures open it (a small window for the test), and the third call is refused without reaching the
 * indexer, with the error a host that is down gives.
 */
class BreakersTests {

    private static final String WALLET = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";

    private final FixtureUpstream upstream = new FixtureUpstream();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final NutsProperties properties = TestProperties.with(Map.of(
            "orders-url", upstream.ordersUrl(),
            "indexer-url", upstream.indexerUrl(),
            "upstream.timeout", "2s",
            "upstream.breaker.window", "2",
            "upstream.breaker.minimum-calls", "2",
            "upstream.breaker.open-for", "1h"));
    private final JsonMapper json = JsonMapper.builder().build();
    private final Retries retries = TestRetries.inCallersThread(meters);
    private final UpstreamClient client = new UpstreamClient(properties, meters, ObservationRegistry.NOOP, retries);
    private final Breakers breakers = new Breakers(properties, new CircuitBreakers(meters));
    private final IndexerUrls urls = new IndexerUrls(properties);
    private final CachedUpstream cache = new CachedUpstream(
            client,
            new CaffeineCacheStore(),
            new UpstreamHealth(new MutableClock()),
            breakers,
            new MutableClock(),
            properties,
            meters);

    @AfterEach
    void stop() {
        cache.stop();
        upstream.close();
    }

    @Test
    void shouldStopPostingUpdatesToAFailingIndexerOnceItsBreakerOpens() {
        IndexerUpdater updater = new IndexerUpdater(client, breakers, urls, json, properties, retries);
        upstream.fault("/book/update", FixtureUpstream.Fault.HTTP_500);

        assertUnavailable(updater::update);
        assertUnavailable(updater::update);
        assertThat(upstream.hits("/book/update")).isEqualTo(2);

        assertUnavailable(updater::update);
        assertThat(upstream.hits("/book/update")).as("not called while open").isEqualTo(2);
    }

    @Test
    void shouldStopFreshPositionReadsFromAFailingIndexerOnceTheirBreakerOpens() {
        PositionsApi positions = new PositionsApi(cache, client, breakers, urls, json, properties);
        upstream.fault("/book/user", FixtureUpstream.Fault.HTTP_500);
        String path = "/book/user/" + WALLET + "/positions";

        assertUnavailable(() -> positions.fetchFresh(WALLET, PositionKind.OPEN));
        assertUnavailable(() -> positions.fetchFresh(WALLET, PositionKind.OPEN));
        assertThat(upstream.hits(path)).isEqualTo(2);

        assertUnavailable(() -> positions.fetchFresh(WALLET, PositionKind.OPEN));
        assertThat(upstream.hits(path)).as("not called while open").isEqualTo(2);
        // The cached reads of the same endpoint share the breaker: one view of whether the indexer is up.
        assertUnavailable(() -> positions.fetchCached(WALLET, PositionKind.OPEN));
        assertThat(upstream.hits(path)).isEqualTo(2);
    }

    private static void assertUnavailable(ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(UpstreamException.class)
                .extracting(e -> ((UpstreamException) e).code())
                .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    }
}
