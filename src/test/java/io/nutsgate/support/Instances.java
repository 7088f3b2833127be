package io.nutsgate.support;

import io.nutsgate.NutsgateApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Whole extra service instances for the tests of several instances (what a shared Redis or database carries between
 * them): started as {@code java -jar} would start them, on a free port, and reached over loopback HTTP with the
 * operator's token and a 10 s timeout, so a hang fails the test instead of stalling it.
 */
public final class Instances {

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final AtomicInteger clients = new AtomicInteger();

    private Instances() {}

    /** The application with {@code args} (command-line properties), on a free port, with the test's operator token. */
    public static ConfigurableApplicationContext start(String... args) {
        List<String> all = new ArrayList<>(List.of("--nuts.management.token=" + ServiceTest.MANAGEMENT_TOKEN));
        all.addAll(List.of(args));
        return startExactly(all.toArray(String[]::new));
    }

    /** The application with {@code args} only (no operator token unless they set one), on a free port. */
    public static ConfigurableApplicationContext startExactly(String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0"));
        all.addAll(List.of(args));
        return new SpringApplicationBuilder(NutsgateApplication.class).run(all.toArray(String[]::new));
    }

    /**
     * The settings of an instance that only answers requests: {@code upstream} as the feed and the indexer, no
     * background trade sync or wallet watch, loopback trusted as the proxy (clients named by {@code X-Forwarded-For}),
     * and three {@code POST /nuts/update} per client per hour.
     */
    public static List<String> quietBehindProxy(FixtureUpstream upstream) {
        return List.of(
                "--nuts.clients.trusted-proxies=127.0.0.1/32,::1/128",
                "--nuts.update-rate-limit.requests=3",
                "--nuts.update-rate-limit.window=1h",
                "--nuts.trades.scheduled-sync=false",
                "--nuts.trades.sync-on-events=false",
                "--nuts.push.watch=false",
                "--nuts.orders-url=" + upstream.ordersUrl(),
                "--nuts.indexer-url=" + upstream.indexerUrl());
    }

    /** {@link #start} with {@code args} followed by {@code more}. */
    public static ConfigurableApplicationContext start(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return start(all.toArray(String[]::new));
    }

    public static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    public static String base(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + port(app);
    }

    /** GET with the operator's token. */
    public static HttpResponse<String> get(ConfigurableApplicationContext app, String path) {
        return send(request(app, path).GET().build());
    }

    /** GET with no token at all. */
    public static HttpResponse<String> getAnonymous(ConfigurableApplicationContext app, String path) {
        return send(request(base(app) + path).GET().build());
    }

    /** GET with {@code headers} (name, value, …) instead of the operator's token. */
    public static HttpResponse<String> get(ConfigurableApplicationContext app, String path, String... headers) {
        return send(request(base(app) + path, headers).GET().build());
    }

    /** POST of a JSON body with the operator's token. */
    public static HttpResponse<String> post(ConfigurableApplicationContext app, String path, String json) {
        return send(request(app, path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /**
     * POST with {@code headers} (name, value, …) instead of the operator's token; a JSON body, or none when
     * {@code json} is null.
     */
    public static HttpResponse<String> post(
            ConfigurableApplicationContext app, String path, String json, String... headers) {
        HttpRequest.Builder request = request(base(app) + path, headers);
        if (json == null) {
            return send(request.POST(HttpRequest.BodyPublishers.noBody()).build());
        }
        return send(request.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /** POST of a JSON body with no token at all. */
    public static HttpResponse<String> postAnonymous(ConfigurableApplicationContext app, String path, String json) {
        return send(request(base(app) + path, "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /**
     * A client address no earlier call in this JVM gave (in 198.18.0.0/15, kept for benchmarks: no real client), for
     * the proxy to name in {@code X-Forwarded-For}: its rate-limit buckets start full.
     */
    public static String newClient() {
        int n = clients.incrementAndGet();
        return "198.18." + (n / 250) + "." + (n % 250 + 1);
    }

    /** {@code POST /nuts/update} (no body) for the client the proxy names {@code forwardedFor}; the status. */
    public static int update(ConfigurableApplicationContext app, String forwardedFor) {
        return post(app, "/nuts/update", null, "X-Forwarded-For", forwardedFor).statusCode();
    }

    /** A request to {@code url} with the 10 s timeout and {@code headers} (name, value, …). */
    public static HttpRequest.Builder request(String url, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        return headers.length == 0 ? request : request.headers(headers);
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Skips the test (fails it under {@code CI=true}) without the machine's PostgreSQL. */
    public static void requireLocalPostgres() {
        RequiredService.require("PostgreSQL (database test)", "127.0.0.1", 5432);
    }

    /** A fresh schema name of the machine's PostgreSQL for one test class (Flyway creates it). */
    public static String newSchema(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Drops what {@link #newSchema} named; test rows only, so a failure leaves it behind. */
    public static void dropSchema(String schema) {
        if (schema == null) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(TestDatabase.LOCAL_URL);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException ignored) {
            // left behind: test rows only
        }
    }

    private static HttpRequest.Builder request(ConfigurableApplicationContext app, String path) {
        return request(base(app) + path, ServiceTest.OPERATOR);
    }
}
