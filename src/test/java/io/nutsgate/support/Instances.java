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

    private Instances() {}

    /** The application with {@code args} (command-line properties), on a free port, with the test's operator token. */
    public static ConfigurableApplicationContext start(String... args) {
        List<String> all =
                new ArrayList<>(List.of("--server.port=0", "--nuts.management.token=" + ServiceTest.MANAGEMENT_TOKEN));
        all.addAll(List.of(args));
        return new SpringApplicationBuilder(NutsgateApplication.class).run(all.toArray(String[]::new));
    }

    public static String base(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    public static HttpResponse<String> get(ConfigurableApplicationContext app, String path) {
        return send(request(app, path).GET().build());
    }

    public static HttpResponse<String> post(ConfigurableApplicationContext app, String path, String json) {
        return send(request(app, path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
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
        return HttpRequest.newBuilder(URI.create(base(app) + path))
                .header(ServiceTest.OPERATOR[0], ServiceTest.OPERATOR[1])
                .timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
