package io.nutsgate.push;

import static io.nutsgate.support.Instances.base;
import static io.nutsgate.support.Instances.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Instances;
import io.nutsgate.support.SocketIoTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * What the tests of pushes between instances share (over Redis in {@code PushRedisIT}, over PostgreSQL in
 * {@code PushPostgresIT}): how an instance is started, what they wait for, and the delivery they both prove.
 */
final class TwoInstances {

    static final String REFERRER = "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d";
    static final String USER = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";
    static final Duration WAIT = Duration.ofSeconds(30);

    private TwoInstances() {}

    /**
     * An instance on {@code databaseUrl} (its tables in {@code schema}) over the fixture upstream, with no sync or
     * watch of its own (so every push a test sees comes from what the test did), plus {@code more} settings.
     */
    static ConfigurableApplicationContext start(
            FixtureUpstream upstream, String databaseUrl, String schema, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--DATABASE_URL=" + databaseUrl,
                "--spring.flyway.schemas=" + schema,
                "--nuts.orders-url=" + upstream.ordersUrl(),
                "--nuts.indexer-url=" + upstream.indexerUrl(),
                "--nuts.referrer-address=" + REFERRER,
                "--nuts.trades.scheduled-sync=false",
                "--nuts.trades.after-update-delay=0s",
                "--nuts.trades.leaderboard-refresh=1h",
                "--nuts.push.after-update-checks=0s",
                "--nuts.push.watch-interval=1h"));
        args.addAll(List.of(more));
        return Instances.start(args.toArray(String[]::new));
    }

    /**
     * A socket on {@code b} subscribed to {@link #USER} gets the six confirmed trades and the positions that a
     * {@code POST /nuts/update} on {@code a} brought; {@code ready} waits for what the bus needs on {@code b}.
     */
    static void assertDeliveredAcross(
            ConfigurableApplicationContext a,
            ConfigurableApplicationContext b,
            Consumer<ConfigurableApplicationContext> ready) {
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(base(b))) {
            client.awaitConnected();
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, USER)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            awaitRegistered(a.getBean(JdbcClient.class), USER);
            ready.accept(b);

            assertThat(post(a, "/nuts/update", "{\"address\":\"" + USER + "\"}").statusCode())
                    .isEqualTo(200);

            List<JsonNode> trades = client.awaitEvents(PushMessage.TRADE_NEW, 6, WAIT);
            assertThat(trades)
                    .allSatisfy(t -> assertThat(t.path("status").asString()).isEqualTo("confirmed"));
            JsonNode positions = client.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
            assertThat(positions.path("positions").size()).isEqualTo(3);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the registry ({@code push_subscriptions}) holds one row of {@code wallet}. */
    static void awaitRegistered(JdbcClient jdbc, String wallet) {
        await().atMost(WAIT)
                .until(() -> jdbc.sql("SELECT count(*) FROM push_subscriptions WHERE wallet = :w")
                                .param("w", wallet)
                                .query(Long.class)
                                .single()
                        == 1);
    }
}
