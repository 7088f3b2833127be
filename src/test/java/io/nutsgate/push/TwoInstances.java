package io.nutsgate.push;

import static io.nutsgate.support.Instances.base;
import static io.nutsgate.support.Instances.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Instances;
import io.nutsgate.support.SocketIoTestClient;
import io.nutsgate.support.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * What the tests of pushes between instances share (over Redis in {@code PushRedisIT}, over PostgreSQL in
 * {@code PushPostgresIT}): the two instances on a schema of their own and how they are started and stopped, what the
 * tests wait for, and the delivery they both prove.
 */
final class TwoInstances implements AutoCloseable {

    static final String REFERRER = "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d";
    static final String USER = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";
    static final Duration WAIT = Duration.ofSeconds(30);

    private final FixtureUpstream upstream = new FixtureUpstream();
    private final String schema;
    private final List<String> more;
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;

    private TwoInstances(String schema, List<String> more) {
        this.schema = schema;
        this.more = more;
    }

    /**
     * Instances A and B on a fresh schema (named {@code schemaPrefix…}) of the machine's PostgreSQL, both over one
     * fixture upstream, with {@code more} settings; the test is skipped (failed under {@code CI=true}) without that
     * PostgreSQL. {@link #close()} stops them and the upstream and drops the schema.
     */
    static TwoInstances onLocalDatabase(String schemaPrefix, String... more) {
        Instances.requireLocalPostgres();
        TwoInstances instances = new TwoInstances(Instances.newSchema(schemaPrefix), List.of(more));
        try {
            String databaseUrl = TestDatabase.LOCAL_URL + "&currentSchema=" + instances.schema;
            instances.a = instances.another(databaseUrl, instances.schema);
            instances.b = instances.another(databaseUrl, instances.schema);
        } catch (RuntimeException | Error e) {
            instances.close();
            throw e;
        }
        return instances;
    }

    ConfigurableApplicationContext a() {
        return a;
    }

    ConfigurableApplicationContext b() {
        return b;
    }

    String schema() {
        return schema;
    }

    /**
     * One more instance like A and B but on {@code databaseUrl} (its tables in {@code schema}): over the same upstream,
     * with no sync or watch of its own (so every push a test sees comes from what the test did), and the same settings.
     * The caller closes it.
     */
    ConfigurableApplicationContext another(String databaseUrl, String schema) {
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
        args.addAll(more);
        return Instances.start(args.toArray(String[]::new));
    }

    @Override
    public void close() {
        if (b != null) b.close();
        if (a != null) a.close();
        upstream.close();
        Instances.dropSchema(schema);
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

    /** {@code nuts_push_bus_failures_total} of {@code app}, as its Prometheus endpoint reports it. */
    static double busFailures(ConfigurableApplicationContext app) {
        return Instances.get(app, "/actuator/prometheus")
                .body()
                .lines()
                .filter(line -> line.startsWith("nuts_push_bus_failures_total "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
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
