package io.nutsgate.support;

import io.nutsgate.upstream.CachedUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service on a random port, talking over loopback HTTP to {@link FixtureUpstream}, with the clock
 * pinned to the fixtures' time. Subclasses share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(GatewayTest.TestClock.class)
public abstract class GatewayTest {

    public static final String REFERRER = "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d";
    public static final String OTHER_REFERRER = "0x9b2e44c1d0a7f36e5b8c4d2a1f0e9d8c7b6a5f41";
    public static final String USER = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";

    protected static final FixtureUpstream upstream = new FixtureUpstream();
    private static final AtomicLong tick = new AtomicLong();
    protected static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    protected int port;

    @Autowired
    protected MutableClock clock;

    @Autowired
    protected CachedUpstream cache;

    protected final HttpClient http = HttpClient.newHttpClient();

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }
    }

    @DynamicPropertySource
    static void upstreamProperties(DynamicPropertyRegistry registry) {
        registry.add("nuts.orders-url", upstream::ordersUrl);
        registry.add("nuts.indexer-url", upstream::indexerUrl);
        registry.add("nuts.referrer-address", () -> REFERRER);
        registry.add("nuts.upstream.timeout", () -> "1s");
        registry.add("nuts.upstream.connect-timeout", () -> "500ms");
        registry.add("nuts.update.retry-delay", () -> "200ms");
        // The trade sync's own calls to the indexer would change the hit counts these tests assert.
        registry.add("nuts.trades.scheduled-sync", () -> "false");
        registry.add("nuts.trades.sync-on-events", () -> "false");
    }

    @BeforeEach
    void resetWorld() {
        upstream.reset();
        // Each test starts a few ms later than the last, still before the fixtures' quotes expire.
        clock.set(MutableClock.FIXTURE_NOW.plusMillis(10 * tick.incrementAndGet()));
        for (String key : new String[] {
            "orders:feed", "stats", "referrer-state:" + REFERRER, "positions:" + USER, "history:" + USER
        }) {
            cache.evict(key);
        }
    }

    protected HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) request.headers(headers);
        return send(request.build());
    }

    protected HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) request.headers(headers);
        return send(request.build());
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    protected static JsonNode body(HttpResponse<String> response) {
        return json.readTree(response.body());
    }
}
