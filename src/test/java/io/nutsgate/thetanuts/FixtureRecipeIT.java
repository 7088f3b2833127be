package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.UniqueContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's recipe for running without the Thetanuts hosts ({@code python3 bench/fixture_upstream.py}) serves every
 * call the service makes: each {@code /nuts} endpoint that reads upstream answers 200 over it, and the stand-in's own
 * request counts show each upstream path was called.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"nuts.trades.scheduled-sync=false", "nuts.trades.sync-on-events=false"})
@UniqueContext
class FixtureRecipeIT {

    private static final String REFERRER = "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d";
    private static final String USER = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final int recipePort = freePort();
    private static final Process recipe = startRecipe();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("nuts.orders-url", () -> "http://127.0.0.1:" + recipePort + "/feed/");
        registry.add("nuts.indexer-url", () -> "http://127.0.0.1:" + recipePort + "/book");
        registry.add("nuts.referrer-address", () -> REFERRER);
    }

    @AfterAll
    static void stopRecipe() throws InterruptedException {
        recipe.destroy();
        if (!recipe.waitFor(10, TimeUnit.SECONDS)) recipe.destroyForcibly();
    }

    @Test
    void shouldServeEveryUpstreamCallOfTheNutsEndpoints() {
        JsonNode orders = ok(send("GET", "/nuts/orders", null));
        String orderId = orders.path("data").path("orders").get(0).path("id").asString();
        ok(send("GET", "/nuts/orders/" + orderId + "/payoff?numContracts=1", null));
        ok(send(
                "POST",
                "/nuts/positions",
                "{\"address\":\"" + USER + "\",\"type\":\"all\",\"filterByReferrer\":false}"));
        ok(send("POST", "/nuts/update", null));
        ok(send("GET", "/nuts/stats", null));
        JsonNode referrer = ok(send("GET", "/nuts/referrer/stats", null));

        assertThat(referrer.path("data").path("referrer").asString()).isEqualToIgnoringCase(REFERRER);
        JsonNode hits = json.readTree(recipeGet("/__hits"));
        assertThat(hits.propertyNames())
                .contains(
                        "/feed/",
                        "/book/user/" + USER + "/positions",
                        "/book/user/" + USER + "/history",
                        "/book/update",
                        "/book/stats",
                        "/book/referrer/" + REFERRER + "/state");
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode())
                .as("%s answered %s", response.uri(), response.body())
                .isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String recipeGet(String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + recipePort + path))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code python3 bench/fixture_upstream.py --port <free>}, as the docs tell a user to run it, once it answers. */
    private static Process startRecipe() {
        try {
            Process process = new ProcessBuilder(
                            "python3", Path.of("bench", "fixture_upstream.py").toString(), "--port", "" + recipePort)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            await().pollInSameThread() // this runs in the class initialiser: another thread would wait for it
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> recipeGet("/__hits") != null);
            return process;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run python3 bench/fixture_upstream.py", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
