package io.nutsgate.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.SocketIoTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Connections per instance are bounded: past NUTS_PUSH_MAX_CONNECTIONS a handshake is refused with HTTP 503 and
 * counted, and the official client reports it as connect_error right away on both transports.
 */
class PushConnectionLimitIT extends ServiceTest {

    @DynamicPropertySource
    static void limit(DynamicPropertyRegistry registry) {
        registry.add("nuts.push.max-connections", () -> "1");
        registry.add("nuts.push.watch-interval", () -> "1h");
    }

    @Test
    void shouldRefuseConnectionsPastTheLimitOnBothTransportsAndAdmitOnceOneCloses() throws Exception {
        String base = "http://127.0.0.1:" + port;
        try (SocketIoTestClient first = SocketIoTestClient.connectWebSocket(base)) {
            assertThat(first.awaitConnected()).isEqualTo("websocket");

            try (SocketIoTestClient overWebSocket = SocketIoTestClient.connectWebSocket(base);
                    SocketIoTestClient overPolling = SocketIoTestClient.connect(base)) {
                // Both handshakes are answered 503 before any upgrade: the client reports the HTTP refusal as
                // connect_error ("websocket error" / "xhr poll error"), not its connect timeout ("timeout").
                JsonNode ws = overWebSocket.await(
                        l -> l.path("type").asString().equals("connect_error"), Duration.ofSeconds(45), "the refusal");
                assertThat(ws.path("message").asString()).isEqualTo("websocket error");
                assertThat(ws.path("description").asString()).contains("503");
                JsonNode polling = overPolling.await(
                        l -> l.path("type").asString().equals("connect_error"), Duration.ofSeconds(45), "the refusal");
                assertThat(polling.path("message").asString()).isEqualTo("xhr poll error");
                assertThat(polling.path("description").asString()).isEqualTo("503");
            }
            HttpResponse<String> refused = get("/socket.io/?EIO=4&transport=polling");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(json.readTree(refused.body()).path("error").path("code").asString())
                    .isEqualTo("TOO_MANY_CONNECTIONS");
            assertThat(json.readTree(refused.body())
                            .path("error")
                            .path("message")
                            .asString())
                    .contains("connections");
            assertThat(first.emitWithAck(PushSockets.SUBSCRIBE, USER).path("ok").asBoolean())
                    .isTrue();
        }
        String metrics = get("/actuator/prometheus", OPERATOR).body();
        assertThat(metrics).contains("nuts_push_connections_rejected_total{reason=\"instance_full\"} 3.0");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/actuator/prometheus", OPERATOR).body().contains("nuts_push_connections 0.0"));
        try (SocketIoTestClient later = SocketIoTestClient.connectWebSocket(base)) {
            assertThat(later.awaitConnected()).isEqualTo("websocket");
        }
    }
}
