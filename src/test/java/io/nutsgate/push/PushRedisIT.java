package io.nutsgate.push;

import static io.nutsgate.support.Instances.base;
import static io.nutsgate.support.Instances.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Instances;
import io.nutsgate.support.RedisServer;
import io.nutsgate.support.SocketIoTestClient;
import io.nutsgate.support.TestDatabase;
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

    private static final FixtureUpstream upstream = new FixtureUpstream();
    private static RedisServer redis;
    private static String schema;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void startRedisAndTwoInstances() throws Exception {
        Instances.requireLocalPostgres();
        redis = RedisServer.onFreePortIfInstalled().start();
        schema = Instances.newSchema("t_push_");
        a = start();
        b = start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) b.close();
        if (a != null) a.close();
        if (redis != null) redis.close();
        upstream.close();
        Instances.dropSchema(schema);
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
        // A start-up on a busy machine may already have counted a failed first subscription: the loss counts one more.
        double failuresBefore;
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(base(a))) {
            client.awaitConnected();
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, wallet)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            awaitRegistered(wallet);
            failuresBefore = busFailures(a);
            redis.kill();

            HttpResponse<String> update = post(a, "/nuts/update", "{\"address\":\"" + wallet + "\"}");

            assertThat(update.statusCode()).isEqualTo(200);
            JsonNode positions = client.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
            assertThat(positions.path("address").asString()).isEqualTo(wallet);
            assertThat(positions.path("positions").size()).isEqualTo(3);
        }
        await().atMost(WAIT).until(() -> busFailures(a) == failuresBefore + 1);
    }

    // ---- helpers ----

    private static ConfigurableApplicationContext start() {
        return TwoInstances.start(
                upstream, TestDatabase.LOCAL_URL + "&currentSchema=" + schema, schema, "--REDIS_URL=" + redis.url());
    }

    /** {@code nuts_push_bus_failures_total} of {@code app}. */
    private static double busFailures(ConfigurableApplicationContext app) {
        return app.getBean(MeterRegistry.class)
                .counter("nuts.push.bus.failures")
                .count();
    }

    private static void awaitRegistered(String wallet) {
        TwoInstances.awaitRegistered(a.getBean(JdbcClient.class), wallet);
    }
}
