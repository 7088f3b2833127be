package io.nutsgate.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.positions.PositionWatcher;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.PersistenceTest;
import io.nutsgate.support.SocketIoTestClient;
import io.nutsgate.thetanuts.CachedUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The push channel end to end with the official socket.io-client (Node) over loopback: both transport modes, acks,
 * bad input, and the pushes that follow {@code POST /nuts/update} against the fixture indexer.
 */
class PushIT extends PersistenceTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    /** The fixture's open positions made with REFERRER (the fourth one has another referrer). */
    static final Set<String> OPEN_WITH_OUR_REFERRER = Set.of(
            "0x9a977e34c7cc72d4449b2d0defc1c73c75fe2541bad112d4aefee47b0531396b",
            "0x5cefa921e0b264e7c0471abe1832fd7923fac8660f47c2876f5d96cb53554ba1",
            "0xec917ea18f81a590d86537e0b027a3e3a077505d7e889cd65969ce6e4a520f4b");

    /** The fixture's settled positions made with REFERRER. */
    static final Set<String> SETTLED_WITH_OUR_REFERRER = Set.of(
            "0x33112ee14ee469c3eb52fe90322ec81dd404a0093d565a6d71ce77cbc8124e3b",
            "0xf998fe06afa0cfbe73e0449dc2b1698309e1b5714960f027b2858312b152c275",
            "0x97fb5f8538b89f6c1accfd19836b65a73b61fbc2e0cbf84bb858a0fffa3f1592");

    @Autowired
    PositionWatcher watcher;

    @DynamicPropertySource
    static void pushProperties(DynamicPropertyRegistry registry) {
        registry.add("nuts.push.after-update-checks", () -> "0s");
        registry.add("nuts.push.watch-interval", () -> "1h");
        registry.add("nuts.push.max-subscriptions-per-socket", () -> "20");
    }

    @Autowired
    CachedUpstream cache;

    @BeforeEach
    void emptyPushTables() {
        jdbc.sql("TRUNCATE push_subscriptions, push_rooms").update();
        // The watch reads positions through the cache: each test starts from the fixture's own.
        cache.evict("positions:" + USER);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Test
    void shouldConnectWithTheDefaultTransportsAndUpgradeToWebSocket() {
        try (SocketIoTestClient client = SocketIoTestClient.connect(baseUrl())) {
            client.awaitConnected();
            JsonNode open = client.await(line -> line.path("type").asString().equals("open"), WAIT, "the engine open");
            assertThat(open.path("transport").asString()).isEqualTo("polling");
            JsonNode upgrade =
                    client.await(line -> line.path("type").asString().equals("upgrade"), WAIT, "the upgrade");
            assertThat(upgrade.path("transport").asString()).isEqualTo("websocket");
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, USER).toString())
                    .isEqualTo("{\"ok\":true}");
        }
    }

    @Test
    void shouldConnectWithWebSocketOnly() {
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(baseUrl())) {
            assertThat(client.awaitConnected()).isEqualTo("websocket");
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, USER).toString())
                    .isEqualTo("{\"ok\":true}");
            assertThat(client.emitWithAck(PushSockets.UNSUBSCRIBE, USER).toString())
                    .isEqualTo("{\"ok\":true}");
        }
    }

    @Test
    void shouldReportTheSocketWritersAndHeartbeatTimersInTheMetrics() {
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(baseUrl())) {
            assertThat(client.awaitConnected()).isEqualTo("websocket");
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, USER).toString())
                    .isEqualTo("{\"ok\":true}");
        }
        String metrics = get("/actuator/prometheus", OPERATOR).body();
        // The frames this client got over WebSocket (its connect, the ack) were each written by a push-write task.
        assertThat(sample(metrics, "executor_seconds_count{name=\"push-write\"}"))
                .isPositive();
        assertThat(sample(metrics, "executor_pool_size_threads{name=\"engineio-heartbeat\"}"))
                .isNotNegative();
    }

    @Test
    void shouldAnswerBadInputWithErrorAcksAndKeepTheSocket() {
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(baseUrl())) {
            client.awaitConnected();

            assertError(client.emitWithAck(PushSockets.SUBSCRIBE, "not-an-address"), "INVALID_ADDRESS");
            assertError(client.emitWithAck(PushSockets.SUBSCRIBE, List.of(USER)), "INVALID_ADDRESS");
            assertError(client.emitWithAck(PushSockets.SUBSCRIBE, 42), "INVALID_ADDRESS");
            assertError(client.emitWithAck(PushSockets.SUBSCRIBE, USER + "00"), "INVALID_ADDRESS");
            assertError(client.emitWithAck(PushSockets.SUBSCRIBE), "INVALID_ADDRESS");
            assertError(client.emitBigStringWithAck(PushSockets.SUBSCRIBE, 60_000), "INVALID_ADDRESS");
            assertError(client.emitWithAck(PushSockets.UNSUBSCRIBE, "0x12"), "INVALID_ADDRESS");
            assertError(client.emitWithAck("subscribe:everything", USER), "UNKNOWN_EVENT");
            client.emit("no:ack:unknown", "x");

            List<String> wallets = FixtureUpstream.newWallets(21);
            for (int i = 0; i < 20; i++) {
                assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, wallets.get(i))
                                .path("ok")
                                .asBoolean())
                        .as("subscription %d", i + 1)
                        .isTrue();
            }
            JsonNode refused = client.emitWithAck(PushSockets.SUBSCRIBE, wallets.get(20));
            assertError(refused, "TOO_MANY_SUBSCRIPTIONS");
            assertThat(refused.path("error").path("message").asString()).contains("wallet");
            // The same wallet again is not a new subscription; after leaving one there is room again.
            assertThat(client.emitWithAck(
                                    PushSockets.SUBSCRIBE,
                                    wallets.get(19).toUpperCase(Locale.ROOT).replace("0X", "0x"))
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            client.emitWithAck(PushSockets.UNSUBSCRIBE, wallets.get(0));
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, wallets.get(20))
                            .path("ok")
                            .asBoolean())
                    .isTrue();

            assertThat(client.sawType("disconnect")).isFalse();
        }
        String metrics = get("/actuator/prometheus", OPERATOR).body();
        assertThat(metrics).contains("nuts_push_rejected_total{reason=\"invalid_address\"}");
        assertThat(metrics).contains("nuts_push_rejected_total{reason=\"unknown_event\"}");
        assertThat(metrics).contains("nuts_push_rejected_total{reason=\"too_many_subscriptions\"}");
        assertThat(metrics).contains("nuts_push_connections ");
    }

    @Test
    void shouldCloseOnlyTheSocketThatSendsAMessageOverTheLimit() {
        try (SocketIoTestClient flooder = SocketIoTestClient.connectWebSocket(baseUrl());
                SocketIoTestClient bystander = SocketIoTestClient.connectWebSocket(baseUrl())) {
            flooder.awaitConnected();
            bystander.awaitConnected();

            flooder.emit(PushSockets.SUBSCRIBE, "x".repeat(2_000_000));

            flooder.await(line -> line.path("type").asString().equals("disconnect"), WAIT, "the disconnect");
            assertThat(bystander
                            .emitWithAck(PushSockets.SUBSCRIBE, USER)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            try (SocketIoTestClient next = SocketIoTestClient.connectWebSocket(baseUrl())) {
                assertThat(next.awaitConnected()).isEqualTo("websocket");
            }
        }
    }

    @Test
    void shouldAnswerABigMessageOverLongPollingAsOverWebSocketAndKeepTheSession() {
        try (SocketIoTestClient client = SocketIoTestClient.connectPolling(baseUrl())) {
            assertThat(client.awaitConnected()).isEqualTo("polling");

            // A 60,000-character string: far from an address, under NUTS_PUSH_MAX_MESSAGE (64 KB).
            assertError(client.emitBigStringWithAck(PushSockets.SUBSCRIBE, 60_000), "INVALID_ADDRESS");
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, USER)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            assertThat(client.sawType("disconnect")).isFalse();
        }
    }

    @Test
    void shouldCloseOnlyThePollingSessionThatSendsAMessageOverTheLimit() {
        try (SocketIoTestClient flooder = SocketIoTestClient.connectPolling(baseUrl());
                SocketIoTestClient bystander = SocketIoTestClient.connectPolling(baseUrl())) {
            flooder.awaitConnected();
            bystander.awaitConnected();

            flooder.emit(PushSockets.SUBSCRIBE, "x".repeat(2_000_000));

            flooder.await(line -> line.path("type").asString().equals("disconnect"), WAIT, "the disconnect");
            assertThat(bystander
                            .emitWithAck(PushSockets.SUBSCRIBE, USER)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
        }
        assertThat(get("/actuator/prometheus", OPERATOR).body())
                .contains("nuts_push_rejected_total{reason=\"message_too_large\"}");
    }

    @Test
    void shouldPushNewTradesAndOpenPositionsAfterAnUpdate() {
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(baseUrl())) {
            client.awaitConnected();
            assertThat(client.emitWithAck(
                                    PushSockets.SUBSCRIBE,
                                    USER.toUpperCase(Locale.ROOT).replace("0X", "0x"))
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            awaitRegistered(USER);

            HttpResponse<String> update = post("/nuts/update", "{\"address\":\"" + USER + "\"}");
            assertThat(update.statusCode()).isEqualTo(200);

            List<JsonNode> trades = client.awaitEvents(PushMessage.TRADE_NEW, 6, WAIT);
            assertThat(txHashes(trades)).isEqualTo(union(OPEN_WITH_OUR_REFERRER, SETTLED_WITH_OUR_REFERRER));
            assertThat(trades).allSatisfy(trade -> {
                assertThat(trade.path("status").asString()).isEqualTo("confirmed");
                assertThat(trade.path("wallet").asString()).isEqualToIgnoringCase(USER);
                assertThat(trade.path("premium").path("raw").isString()).isTrue();
            });
            assertThat(trades.stream()
                            .filter(t -> t.path("tradeStatus").asString().equals("SETTLED"))
                            .map(t -> t.path("entryTxHash").asString())
                            .collect(Collectors.toSet()))
                    .isEqualTo(SETTLED_WITH_OUR_REFERRER);

            JsonNode positions = client.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
            assertThat(positions.path("address").asString()).isEqualTo(USER);
            assertThat(positions.path("type").asString()).isEqualTo("open");
            assertThat(positions.path("referrer").asString()).isEqualToIgnoringCase(REFERRER);
            assertThat(txHashes(positions.path("positions").values())).isEqualTo(OPEN_WITH_OUR_REFERRER);

            // The same answer again: nothing new is pushed.
            int positionReads = upstream.hits("/book/user/" + USER + "/positions");
            post("/nuts/update", "{\"address\":\"" + USER + "\"}");
            await().atMost(WAIT).until(() -> upstream.hits("/book/user/" + USER + "/positions") >= positionReads + 2);
            // One position closed on the indexer: the room gets the two that are left.
            upstream.body(
                    "/book/user/" + USER + "/positions",
                    fixtureWithout("0xec917ea18f81a590d86537e0b027a3e3a077505d7e889cd65969ce6e4a520f4b"));
            post("/nuts/update", "{\"address\":\"" + USER + "\"}");

            List<JsonNode> updates = client.awaitEvents(PushMessage.POSITION_UPDATE, 2, WAIT);
            assertThat(txHashes(updates.get(1).path("positions").values()))
                    .containsExactlyInAnyOrder(
                            "0x9a977e34c7cc72d4449b2d0defc1c73c75fe2541bad112d4aefee47b0531396b",
                            "0x5cefa921e0b264e7c0471abe1832fd7923fac8660f47c2876f5d96cb53554ba1");
            assertThat(client.events(PushMessage.TRADE_NEW)).hasSize(6);
            assertThat(client.events(PushMessage.POSITION_UPDATE)).hasSize(2);
        }
    }

    @Test
    void shouldDeliverToASubscriptionMadeWithoutAnAck() {
        try (SocketIoTestClient client = SocketIoTestClient.connect(baseUrl())) {
            client.awaitConnected();
            client.emit(PushSockets.SUBSCRIBE, USER);
            awaitRegistered(USER);

            watcher.watch();

            JsonNode positions = client.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
            assertThat(txHashes(positions.path("positions").values())).isEqualTo(OPEN_WITH_OUR_REFERRER);
        }
    }

    @Test
    void shouldWatchSubscribedWalletsWithoutAnUpdate() {
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(baseUrl())) {
            client.awaitConnected();
            client.emitWithAck(PushSockets.SUBSCRIBE, USER);
            awaitRegistered(USER);

            watcher.watch();

            client.awaitEvents(PushMessage.TRADE_NEW, 6, WAIT);
            client.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
            // the run took the job's lock and gave it back when it ended
            assertThat(jdbc.sql("SELECT count(*) FROM shedlock WHERE name = 'positions-watch'"
                                    + " AND lock_until <= timezone('utc', now())")
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldRecordASignedInSocketButNotRequireIt() {
        String bearer = signIn(key(7));
        String token = bearer.substring("Bearer ".length());
        double before = signedInCount();
        try (SocketIoTestClient signedIn = SocketIoTestClient.connectWithToken(baseUrl(), token);
                SocketIoTestClient badToken = SocketIoTestClient.connectWithToken(baseUrl(), "ngs_nonsense")) {
            signedIn.awaitConnected();
            badToken.awaitConnected();
            assertThat(signedIn.emitWithAck(PushSockets.SUBSCRIBE, USER)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            assertThat(badToken.emitWithAck(PushSockets.SUBSCRIBE, USER)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
        }
        assertThat(signedInCount()).isEqualTo(before + 1);
    }

    // ---- helpers ----

    private double signedInCount() {
        return get("/actuator/prometheus", OPERATOR)
                .body()
                .lines()
                .filter(l -> l.startsWith("nuts_push_signed_in_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    /** The value of the Prometheus sample named and labelled {@code series}; fails when there is none. */
    private static double sample(String metrics, String series) {
        return metrics.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " in /actuator/prometheus"));
    }

    private void awaitRegistered(String wallet) {
        TwoInstances.awaitRegistered(jdbc, wallet);
    }

    @Test
    void shouldAnswerFillSubmittedLikePostFillsOnTheSocket() {
        String tx = "0x" + "ab".repeat(32);
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(baseUrl())) {
            client.awaitConnected();

            assertError(client.emitWithAck(PushSockets.FILL_SUBMITTED, "0x1234"), "INVALID_PARAMETER");
            assertError(client.emitWithAck(PushSockets.FILL_SUBMITTED), "INVALID_PARAMETER");
            // This context has no BASE_RPC_URL: the socket says so as POST /nuts/fills does (503 CHAIN_UNAVAILABLE).
            assertError(client.emitWithAck(PushSockets.FILL_SUBMITTED, tx), "CHAIN_UNAVAILABLE");
            assertThat(post("/nuts/fills", "{\"txHash\":\"" + tx + "\"}").statusCode())
                    .isEqualTo(503);
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, USER)
                            .path("ok")
                            .asBoolean())
                    .as("the socket stays usable")
                    .isTrue();
        }
    }

    private static void assertError(JsonNode ack, String code) {
        assertThat(ack.path("ok").asBoolean()).as(ack.toString()).isFalse();
        assertThat(ack.path("error").path("code").asString()).as(ack.toString()).isEqualTo(code);
        assertThat(ack.path("error").path("message").asString()).isNotBlank();
    }

    private static Set<String> txHashes(List<JsonNode> rows) {
        return rows.stream().map(r -> r.path("entryTxHash").asString()).collect(Collectors.toSet());
    }

    private static Set<String> txHashes(Iterable<JsonNode> rows) {
        Set<String> hashes = new java.util.HashSet<>();
        rows.forEach(r -> hashes.add(r.path("entryTxHash").asString()));
        return hashes;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
    }

    private static String fixtureWithout(String entryTxHash) {
        try (var in = PushIT.class.getResourceAsStream("/fixtures/positions.json")) {
            tools.jackson.databind.node.ObjectNode root =
                    (tools.jackson.databind.node.ObjectNode) json.readTree(in.readAllBytes());
            tools.jackson.databind.node.ArrayNode kept = json.createArrayNode();
            root.path("data").values().forEach(p -> {
                if (!p.path("entryTxHash").asString().equals(entryTxHash)) {
                    kept.add(p);
                }
            });
            root.set("data", kept);
            return root.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
