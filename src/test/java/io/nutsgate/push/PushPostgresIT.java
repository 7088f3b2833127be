package io.nutsgate.push;

import static io.nutsgate.support.Instances.base;
import static io.nutsgate.support.Instances.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.SocketIoTestClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Two instances sharing one database and no Redis: pushes cross over PostgreSQL {@code LISTEN/NOTIFY}. A socket on B
 * gets what happened on A, including a push far larger than one notification.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushPostgresIT {

    static final Duration WAIT = TwoInstances.WAIT;

    private static TwoInstances instances;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void startTwoInstances() {
        instances = TwoInstances.onLocalDatabase("t_pushpg_", "--spring.datasource.hikari.maximum-pool-size=3");
        a = instances.a();
        b = instances.b();
    }

    @AfterAll
    static void stop() {
        if (instances != null) instances.close();
    }

    @Test
    @Order(1) // before any other test gave B a subscriber
    void shouldUseListenNotifyWithoutRedisAndListenOnlyWithSubscribers() {
        assertThat(a.getBean(PushBus.class)).isInstanceOf(PostgresPushBus.class);
        assertThat(b.getBean(PushBus.class)).isInstanceOf(PostgresPushBus.class);
        assertThat(listeningConnections()).isZero();
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(base(b))) {
            client.awaitConnected();
            client.emitWithAck(PushSockets.SUBSCRIBE, "0x00000000000000000000000000000000000000e5");
            awaitListening(b);
            assertThat(listeningConnections())
                    .as(
                            "%s",
                            a.getBean(JdbcClient.class)
                                    .sql("SELECT application_name || ' | ' || query FROM pg_stat_activity")
                                    .query(String.class)
                                    .list())
                    .isEqualTo(1);
        }
    }

    /** Connections of this test's instances listening on its schema's channel, as PostgreSQL counts them. */
    private static long listeningConnections() {
        return a.getBean(JdbcClient.class)
                .sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
                .param("name", "nutsgate-push-listen nuts_push:" + instances.schema())
                .query(Long.class)
                .single();
    }

    @Test
    void shouldDeliverToASocketOnOneInstanceWhatHappenedOnTheOther() {
        TwoInstances.assertDeliveredAcross(a, b, PushPostgresIT::awaitListening);
    }

    @Test
    void shouldJoinAPushLargerThanOneNotification() {
        String wallet = "0x00000000000000000000000000000000000000c3";
        // 30,000 characters, two- three- and four-byte UTF-8 among them: about 60 KB, over the 8,000-byte limit.
        String text = "é€😀x".repeat(6_000);
        String payload = "{\"wallet\":\"" + wallet + "\",\"note\":\"" + text + "\"}";
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(base(b))) {
            client.awaitConnected();
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, wallet)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            awaitListening(b);

            a.getBean(PushBus.class).publish(new PushMessage(PushMessage.positionsRoom(wallet), "trade:new", payload));

            JsonNode trade = client.awaitEvent(PushMessage.TRADE_NEW, WAIT);
            assertThat(trade.path("wallet").asString()).isEqualTo(wallet);
            assertThat(trade.path("note").asString()).isEqualTo(text);
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void shouldKeepPushingLocallyAndAnsweringWhenTheDatabaseIsLost(CapturedOutput output) throws Exception {
        String wallet = "0x00000000000000000000000000000000000000d4";
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", "")
                .start();
        ConfigurableApplicationContext c = null;
        try {
            c = instances.another(
                    "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?user=postgres", "public");
            try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(base(c))) {
                client.awaitConnected();
                assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, wallet)
                                .path("ok")
                                .asBoolean())
                        .isTrue();
                postgres.close(); // stops the server: pool, NOTIFY and the listening connection all fail

                PushBus bus = c.getBean(PushBus.class);
                for (int i = 0; i < 3; i++) {
                    bus.publish(new PushMessage(PushMessage.positionsRoom(wallet), "trade:new", "{\"seq\":" + i + "}"));
                }

                assertThat(client.awaitEvents(PushMessage.TRADE_NEW, 3, WAIT))
                        .extracting(t -> t.path("seq").asInt())
                        .containsExactly(0, 1, 2);
                HttpResponse<String> config = get(c, "/nuts/config");
                assertThat(config.statusCode()).isEqualTo(200);
                ConfigurableApplicationContext app = c;
                await().atMost(WAIT)
                        .until(() -> TwoInstances.busFailures(app) >= 4); // 3 sends, and the listening connection once
            }
            assertThat(output.getAll().lines().filter(l -> l.contains("push fan-out (NOTIFY) failed")))
                    .hasSize(1);
            assertThat(output.getAll().lines().filter(l -> l.contains("push fan-out (LISTEN) failed")))
                    .hasSizeLessThanOrEqualTo(1);
        } finally {
            if (c != null) c.close();
            postgres.close();
        }
    }

    // ---- helpers ----

    /** B listens once it has a subscriber (an idle instance holds no listening connection). */
    private static void awaitListening(ConfigurableApplicationContext app) {
        PostgresPushBus bus = (PostgresPushBus) app.getBean(PushBus.class);
        await().atMost(WAIT).until(bus::isListening);
    }
}
