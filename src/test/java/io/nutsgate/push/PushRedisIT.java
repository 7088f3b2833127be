package io.nutsgate.push;

import static io.nutsgate.support.Instances.base;
import static io.nutsgate.support.Instances.get;
import static io.nutsgate.support.Instances.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.RedisServer;
import io.nutsgate.support.SocketIoTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Two instances sharing a Redis (a private {@code redis-server} this test starts on a free port and stops) and a
 * database: a socket on B gets what happened on A; with Redis gone, A still pushes to its own sockets and answers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushRedisIT {

    static final Duration WAIT = TwoInstances.WAIT;

    private static RedisServer redis;
    private static TwoInstances instances;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void startRedisAndTwoInstances() throws Exception {
        redis = RedisServer.onFreePortIfInstalled().start();
        instances = TwoInstances.onLocalDatabase("t_push_", "--REDIS_URL=" + redis.url());
        a = instances.a();
        b = instances.b();
    }

    @AfterAll
    static void stop() throws Exception {
        if (instances != null) instances.close();
        if (redis != null) redis.close();
    }

    @Test
    @Order(1)
    void shouldDeliverToASocketOnOneInstanceWhatHappenedOnTheOther() {
        TwoInstances.assertDeliveredAcross(a, b, instance -> {});
    }

    @Test
    @Order(2)
    void shouldKeepPushingLocallyAndAnsweringWhenRedisIsLost() throws Exception {
        String wallet = "0x00000000000000000000000000000000000000b2";
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(base(a))) {
            client.awaitConnected();
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, wallet)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            awaitRegistered(wallet);
            redis.kill();

            HttpResponse<String> update = post(a, "/nuts/update", "{\"address\":\"" + wallet + "\"}");

            assertThat(update.statusCode()).isEqualTo(200);
            JsonNode positions = client.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
            assertThat(positions.path("address").asString()).isEqualTo(wallet);
            assertThat(positions.path("positions").size()).isEqualTo(3);
        }
        await().atMost(WAIT)
                .until(() -> get(a, "/actuator/prometheus").body().contains("nuts_push_bus_failures_total 1"));
    }

    // ---- helpers ----

    private static void awaitRegistered(String wallet) {
        TwoInstances.awaitRegistered(a.getBean(JdbcClient.class), wallet);
    }
}
