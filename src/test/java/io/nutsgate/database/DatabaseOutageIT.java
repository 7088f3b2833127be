package io.nutsgate.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Instances;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service on its own embedded PostgreSQL, which the test stops and starts again: endpoints that need the
 * database answer 503 DATABASE_UNAVAILABLE meanwhile, the others (and POST /nuts/update) are unaffected, and the
 * database is used again once it is back, without a restart.
 */
class DatabaseOutageIT {

    private static final String USER = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";
    private static final FixtureUpstream upstream = new FixtureUpstream();
    private static final JsonMapper json = JsonMapper.builder().build();
    private static Path dataDir;
    private static int pgPort;
    private static EmbeddedPostgres postgres;
    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() throws IOException {
        dataDir = Files.createTempDirectory("nutsgate-outage-pg");
        try (ServerSocket socket = new ServerSocket(0)) {
            pgPort = socket.getLocalPort();
        }
        postgres = startPostgres();
        app = Instances.start(
                "--DATABASE_URL=jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres?user=postgres",
                "--nuts.orders-url=" + upstream.ordersUrl(),
                "--nuts.indexer-url=" + upstream.indexerUrl(),
                "--nuts.referrer-address=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d",
                "--nuts.trades.scheduled-sync=false",
                "--nuts.trades.after-update-delay=0s");
    }

    @AfterAll
    static void stop() throws IOException {
        if (app != null) app.close();
        if (postgres != null) postgres.close();
        upstream.close();
    }

    @Test
    void shouldAnswerDatabaseUnavailableWhilePostgresIsDownAndRecoverWithoutARestart() throws Exception {
        assertThat(get("/nuts/users/" + USER + "/trades").statusCode()).isEqualTo(200);

        postgres.close();
        postgres = null;

        HttpResponse<String> trades = get("/nuts/users/" + USER + "/trades");
        assertThat(trades.statusCode()).isEqualTo(503);
        assertThat(body(trades).path("error").path("code").asString()).isEqualTo("DATABASE_UNAVAILABLE");
        assertThat(body(trades).path("success").asBoolean()).isFalse();
        // what does not need the database is unaffected
        assertThat(get("/nuts/orders").statusCode()).isEqualTo(200);
        HttpResponse<String> update = post("/nuts/update", "{\"address\":\"" + USER + "\"}");
        assertThat(update.statusCode()).isEqualTo(200);
        assertThat(body(update).path("data").path("status").asString()).isEqualTo("success");
        assertThat(upstream.hits("/book/update")).isEqualTo(1);

        postgres = startPostgres();

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> get("/nuts/users/" + USER + "/trades").statusCode() == 200);
    }

    private static EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder()
                .setPort(pgPort)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .start();
    }

    private static HttpResponse<String> get(String path) {
        return Instances.getAnonymous(app, path);
    }

    private static HttpResponse<String> post(String path, String body) {
        return Instances.postAnonymous(app, path, body);
    }

    private static JsonNode body(HttpResponse<String> response) {
        return json.readTree(response.body());
    }
}
