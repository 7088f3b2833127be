package io.nutsgate.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.SocketIoTestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Connections per instance are bounded: past NUTS_PUSH_MAX_CONNECTIONS a handshake is refused and counted. */
class PushConnectionLimitIT extends ServiceTest {

    @DynamicPropertySource
    static void limit(DynamicPropertyRegistry registry) {
        registry.add("nuts.push.max-connections", () -> "1");
        registry.add("nuts.push.watch-interval", () -> "1h");
    }

    @Test
    void shouldRefuseConnectionsPastTheLimitOnBothTransportsAndAdmitOnceOneCloses() {
        String base = "http://127.0.0.1:" + port;
        try (SocketIoTestClient first = SocketIoTestClient.connectWebSocket(base)) {
            assertThat(first.awaitConnected()).isEqualTo("websocket");

            try (SocketIoTestClient overWebSocket = SocketIoTestClient.connectWebSocket(base);
                    SocketIoTestClient overPolling = SocketIoTestClient.connect(base)) {
                // Polling is answered 400 at once; a refused WebSocket is closed at once, which the client reports
                // as connect_error only when its connect timeout (20 s by default) runs out.
                overPolling.await(
                        l -> l.path("type").asString().equals("connect_error"), Duration.ofSeconds(20), "the refusal");
                overWebSocket.await(
                        l -> l.path("type").asString().equals("connect_error"), Duration.ofSeconds(45), "the refusal");
            }
            assertThat(first.emitWithAck(PushSockets.SUBSCRIBE, USER).path("ok").asBoolean())
                    .isTrue();
        }
        String metrics = get("/actuator/prometheus").body();
        assertThat(metrics).contains("nuts_push_connections_rejected_total 2.0");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/actuator/prometheus").body().contains("nuts_push_connections 0.0"));
        try (SocketIoTestClient later = SocketIoTestClient.connectWebSocket(base)) {
            assertThat(later.awaitConnected()).isEqualTo("websocket");
        }
    }
}
