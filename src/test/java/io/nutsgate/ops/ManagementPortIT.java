package io.nutsgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Instances;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * With {@code MANAGEMENT_PORT} set, the actuator (health details, metrics, Prometheus) is served on that port to
 * anyone who can reach it, and not at all on the public port, which keeps only {@code /livez} and {@code /readyz}.
 * The port is a start-up argument, as in a deployment: {@link ManagementPortDetails} reads it before the context
 * exists.
 */
class ManagementPortIT {

    private static final String TOKEN = "management-port-test-token";
    private static final FixtureUpstream upstream = new FixtureUpstream();
    private static final JsonMapper json = JsonMapper.builder().build();
    private static ConfigurableApplicationContext app;
    private static int managementPort;
    private static int publicPort;

    @BeforeAll
    static void start() throws IOException {
        managementPort = freePort();
        app = Instances.startExactly(
                "--management.server.port=" + managementPort,
                // Set, to show that even the token does not bring the actuator back to the public port.
                "--nuts.management.token=" + TOKEN,
                "--nuts.trades.scheduled-sync=false",
                "--nuts.trades.sync-on-events=false",
                "--nuts.orders-url=" + upstream.ordersUrl(),
                "--nuts.indexer-url=" + upstream.indexerUrl());
        publicPort = Instances.port(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        upstream.close();
    }

    @Test
    void shouldServeMetricsAndPrometheusOnTheManagementPortWithoutAToken() throws Exception {
        HttpResponse<String> prometheus = get(managementPort, "/actuator/prometheus");
        HttpResponse<String> metrics = get(managementPort, "/actuator/metrics");

        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("# TYPE jvm_memory_used_bytes gauge");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(json.readTree(metrics.body()).path("names").valueStream().map(JsonNode::asString))
                .contains("jvm.memory.used", "http.server.requests");
    }

    @Test
    void shouldShowHealthDetailsOnTheManagementPortWithoutAToken() throws Exception {
        HttpResponse<String> health = get(managementPort, "/actuator/health");

        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode components = json.readTree(health.body()).path("components");
        assertThat(components.path("db").path("status").asString()).isEqualTo("UP");
        assertThat(components.path("db").path("details").path("database").asString())
                .isEqualTo("PostgreSQL");
    }

    @Test
    void shouldNotServeTheActuatorOnThePublicPortEvenWithTheToken() throws Exception {
        for (String path : new String[] {"/actuator/prometheus", "/actuator/metrics", "/actuator/health"}) {
            for (HttpResponse<String> response :
                    List.of(get(publicPort, path), get(publicPort, path, "Authorization", "Bearer " + TOKEN))) {
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertThat(response.body()).as(path).doesNotContain("jvm_memory", "jvm.memory", "components");
                JsonNode body = json.readTree(response.body());
                assertThat(body.path("success").asBoolean(true)).as(path).isFalse();
                assertThat(body.path("error").path("code").asString()).as(path).isEqualTo("NOT_FOUND");
            }
        }
    }

    @Test
    void shouldAnswerLivenessAndReadinessOnThePublicPort() throws Exception {
        HttpResponse<String> livez = get(publicPort, "/livez");
        HttpResponse<String> readyz = get(publicPort, "/readyz");

        assertThat(livez.statusCode()).isEqualTo(200);
        assertThat(json.readTree(livez.body()).path("status").asString()).isEqualTo("UP");
        assertThat(readyz.statusCode()).isEqualTo(200);
        assertThat(json.readTree(readyz.body()).path("status").asString()).isEqualTo("UP");
    }

    private static HttpResponse<String> get(int port, String path, String... headers) {
        return Instances.send(Instances.request("http://127.0.0.1:" + port + path, headers)
                .GET()
                .build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
