package io.nutsgate.support;

import io.nutsgate.thetanuts.Breakers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The whole service on a random port, talking over loopback HTTP to {@link FixtureUpstream}, with its
 * database (see {@link TestDatabase}) and a clock tests move by hand. {@link GatewayTest} and
 * {@link PersistenceTest} add what their features need.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ServiceTest.TestClock.class)
public abstract class ServiceTest {

    public static final String REFERRER = "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d";
    public static final String OTHER_REFERRER = "0x9b2e44c1d0a7f36e5b8c4d2a1f0e9d8c7b6a5f41";
    public static final String USER = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";
    /** NUTS_MANAGEMENT_TOKEN of every test context: send {@link #OPERATOR} to read metrics and health details. */
    public static final String MANAGEMENT_TOKEN = "test-operator-token";

    public static final String[] OPERATOR = {"Authorization", "Bearer " + MANAGEMENT_TOKEN};

    protected static final FixtureUpstream upstream = new FixtureUpstream();
    protected static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    protected int port;

    @Autowired
    protected MutableClock clock;

    @Autowired
    protected Breakers breakers;

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
        registry.add("nuts.management.token", () -> MANAGEMENT_TOKEN);
    }

    /**
     * Many tests make an indexer or feed endpoint fail on purpose, and the trade sync's and the watch's reads count in
     * the same breakers as the cached ones: each test starts with every upstream breaker closed.
     */
    @BeforeEach
    void closeUpstreamBreakers() {
        for (String endpoint : new String[] {"orders", "stats", "referrer-state", "positions", "history", "update"}) {
            breakers.upstream(endpoint).reset();
        }
    }

    protected HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) request.headers(headers);
        return send(request.build());
    }

    protected HttpResponse<String> post(String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .headers(headers.length > 0 ? headers : new String[] {"Accept", "application/json"})
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    protected HttpResponse<String> put(String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .headers(headers.length > 0 ? headers : new String[] {"Accept", "application/json"})
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build());
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

    protected static String errorCode(HttpResponse<String> response) {
        return body(response).path("error").path("code").asString();
    }
}
