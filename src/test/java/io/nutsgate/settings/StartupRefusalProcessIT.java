package io.nutsgate.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.ServiceProcess;
import io.nutsgate.support.TestDatabase;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The service started as an operator starts it (a child process, settings in environment variables) with a setting
 * that cannot work: it exits with status 1 after one line that names the variable and the property, says what is
 * wrong and gives an example of a good value; no stack trace, no Spring failure report.
 */
class StartupRefusalProcessIT {

    private static final Duration EXIT_LIMIT = Duration.ofMinutes(4);

    /** Bound late (during the context's refresh) but without a database: nothing is created by a refused start. */
    private static final String UNUSED_DATABASE = TestDatabase.LOCAL_URL + "&currentSchema=t_refused_start";

    @TempDir
    Path folder;

    static Stream<Arguments> unworkableSettings() {
        return Stream.of(
                Arguments.of(
                        Map.of("PORT", "abc"), List.of("PORT (server.port) is not a port number", "e.g. PORT=8080")),
                Arguments.of(
                        Map.of("NUTS_DATABASE_POOL_SIZE", "ten"),
                        List.of(
                                "NUTS_DATABASE_POOL_SIZE (spring.datasource.hikari.maximum-pool-size)",
                                "e.g. NUTS_DATABASE_POOL_SIZE=10")),
                Arguments.of(
                        Map.of("DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
                        List.of("DATABASE_URL names no database", "e.g. postgres://user:password@db.example:5432/")),
                Arguments.of(
                        Map.of("NUTS_UPSTREAM_TIMEOUT", "5", "DATABASE_URL", UNUSED_DATABASE),
                        List.of(
                                "NUTS_UPSTREAM_TIMEOUT (nuts.upstream.timeout) is a duration without a unit",
                                "e.g. 5s")),
                Arguments.of(
                        Map.of("NUTS_PUSH_WATCH", "maybe", "DATABASE_URL", UNUSED_DATABASE),
                        List.of("NUTS_PUSH_WATCH (nuts.push.watch) is not true or false", "e.g. true")),
                Arguments.of(
                        Map.of("NUTS_UPSTREAM_BREAKER_WINDOW", "ten", "DATABASE_URL", UNUSED_DATABASE),
                        List.of(
                                "NUTS_UPSTREAM_BREAKER_WINDOW (nuts.upstream.breaker.window) is not a whole number",
                                "e.g. 10")),
                Arguments.of(
                        Map.of("THETANUTS_ORDERS_URL", "ftp://feed.example/", "DATABASE_URL", UNUSED_DATABASE),
                        List.of("THETANUTS_ORDERS_URL", "http")),
                Arguments.of(
                        Map.of("ALPHABIT_REFERRER_ADDRESS", "0x1234", "DATABASE_URL", UNUSED_DATABASE),
                        List.of("ALPHABIT_REFERRER_ADDRESS (nuts.referrer-address)", "0x")));
    }

    @ParameterizedTest
    @MethodSource("unworkableSettings")
    void shouldRefuseAnUnworkableSettingInOneLineNamingTheVariable(Map<String, String> env, List<String> expected) {
        try (ServiceProcess service = ServiceProcess.start(folder, env)) {
            assertThat(service.awaitExit(EXIT_LIMIT)).as("exit status").isEqualTo(1);

            String line = oneRefusalLine(service.output());
            for (String part : expected) {
                assertThat(line).contains(part);
            }
        }
    }

    @Test
    void shouldRefuseAnUnreachableDatabaseNamingItsHostAndPort() {
        int closed = ServiceProcess.freePort();
        try (ServiceProcess service = ServiceProcess.start(
                folder, Map.of("DATABASE_URL", "postgres://nuts:secret@127.0.0.1:" + closed + "/nuts"))) {
            assertThat(service.awaitExit(EXIT_LIMIT)).isEqualTo(1);

            assertThat(oneRefusalLine(service.output()))
                    .contains("DATABASE_URL: no usable PostgreSQL at 127.0.0.1:" + closed + " (connection refused)")
                    .doesNotContain("secret");
        }
    }

    @Test
    void shouldRefuseAPortInUseBeforeStartingTheEmbeddedDatabase() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            try (ServiceProcess service = ServiceProcess.start(folder, Map.of("PORT", Integer.toString(port)))) {
                assertThat(service.awaitExit(EXIT_LIMIT)).isEqualTo(1);

                assertThat(oneRefusalLine(service.output()))
                        .contains("PORT (server.port): port " + port + " is already in use")
                        .contains("e.g. PORT=" + (port + 1));
                assertThat(service.output()).doesNotContain("embedded PostgreSQL");
                assertThat(Files.exists(folder.resolve("postgres")))
                        .as("embedded database folder")
                        .isFalse();
            }
        }
    }

    /** Redis is an accelerator, not a store: unreachable at start, the instance starts ready, without a stack trace. */
    @Test
    void shouldStartReadyWithoutAStackTraceWhenRedisDoesNotAnswer() throws Exception {
        String schema =
                "t_redis_down_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (ServiceProcess service = ServiceProcess.start(
                folder,
                Map.of(
                        "REDIS_URL", "redis://127.0.0.1:" + ServiceProcess.freePort(),
                        "DATABASE_URL", TestDatabase.LOCAL_URL + "&currentSchema=" + schema,
                        "SPRING_FLYWAY_SCHEMAS", schema))) {
            service.awaitStarted(EXIT_LIMIT);

            HttpResponse<String> ready = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(service.baseUrl() + "/readyz"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(service.output()).doesNotContain("\tat ").doesNotContain("cannot start");
        } finally {
            try (Connection connection = DriverManager.getConnection(TestDatabase.LOCAL_URL);
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    /** The refusal is one line; nothing else reports the failure. */
    private static String oneRefusalLine(String output) {
        List<String> lines = output.lines()
                .filter(line -> line.contains("nutsgate cannot start: "))
                .toList();
        assertThat(lines).as(output).hasSize(1);
        assertThat(output)
                .doesNotContain("\tat ")
                .doesNotContain("Exception")
                .doesNotContain("APPLICATION FAILED")
                .doesNotContain("Application run failed");
        return lines.get(0);
    }
}
