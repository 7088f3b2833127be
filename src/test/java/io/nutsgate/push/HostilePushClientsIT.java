package io.nutsgate.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.positions.PositionWatcher;
import io.nutsgate.support.PersistenceTest;
import io.nutsgate.support.SocketIoTestClient;
import io.socket.engineio.server.EngineIoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The push channel under attack, as issue 16 found it: a raw WebSocket client speaking Engine.IO/Socket.IO by hand
 * beside the official socket.io-client, whose pushes must keep arriving. Short heartbeats (1 s + 2 s) so that
 * abandoned sessions end within the test.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostilePushClientsIT extends PersistenceTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final long MAX_BUFFERED_PER_SOCKET = 2L * 1024 * 1024;
    static final long MAX_BUFFERED = 8L * 1024 * 1024;

    @Autowired
    PositionWatcher watcher;

    @Autowired
    MeterRegistry meters;

    @Autowired
    EngineIoServer engine;

    @DynamicPropertySource
    static void bounds(DynamicPropertyRegistry registry) {
        registry.add("nuts.push.watch-interval", () -> "1h");
        registry.add("nuts.push.after-update-checks", () -> "0s");
        registry.add("nuts.push.bounds.max-packets-per-second", () -> "20");
        registry.add("nuts.push.bounds.max-sessions-per-client", () -> "3");
        registry.add("nuts.push.bounds.max-wallets-per-client", () -> "5");
        registry.add("nuts.push.bounds.max-buffered-per-socket", () -> "2MB");
        registry.add("nuts.push.bounds.max-buffered", () -> "8MB");
        // The reference server's message size, so that 1 MB attachments reach the buffer bounds above.
        registry.add("nuts.push.max-message-size", () -> "1MB");
        registry.add("nuts.push.bounds.ping-interval", () -> "1s");
        registry.add("nuts.push.bounds.ping-timeout", () -> "2s");
        // Loopback is the proxy: a raw socket with its own X-Forwarded-For is its own client.
        registry.add("nuts.clients.trusted-proxies", () -> "127.0.0.1/32");
    }

    @BeforeEach
    void emptyPushTables() {
        jdbc.sql("TRUNCATE push_subscriptions, push_rooms").update();
        // Every test starts with the sessions of the last one gone (they end at their short heartbeat).
        await().atMost(WAIT).until(() -> gauge("nuts.push.connections") == 0);
    }

    @Test
    void shouldCloseASocketAnnouncingAMillionAttachmentsWhileOthersStillGetTheirPushes() throws Exception {
        try (SocketIoTestClient official = SocketIoTestClient.connect(baseUrl())) {
            official.awaitConnected();
            assertThat(official.emitWithAck(PushSockets.SUBSCRIBE, USER)
                            .path("ok")
                            .asBoolean())
                    .isTrue();

            RawSocket attacker = RawSocket.open(port);
            attacker.connectNamespace();
            attacker.text("451000000-[\"x\",{\"_placeholder\":true,\"num\":0}]");
            List<Double> bufferedSeen = new ArrayList<>();
            byte[] megabyte = new byte[1024 * 1024 - 64];
            for (int i = 0; i < 20 && !attacker.isClosed(); i++) {
                attacker.binary(megabyte);
                bufferedSeen.add(gauge("nuts.push.buffered"));
            }

            JsonNode close = attacker.awaitClose();
            assertThat(close.path("code").asInt()).isEqualTo(1008);
            assertThat(close.path("reason").asString()).contains("too_many_attachments");
            assertThat(bufferedSeen).allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(MAX_BUFFERED));
            assertThat(rejected("too_many_attachments")).isGreaterThanOrEqualTo(1);

            watcher.watch();
            official.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
        }
        await().atMost(WAIT).until(() -> gauge("nuts.push.buffered") == 0);
    }

    /**
     * A refused session leaves no heartbeat timer behind: the engine's timers hold the whole session, and an attacker
     * reconnecting at once must not pile closed sessions up on the heap for a ping interval plus timeout each. Before,
     * the engine re-armed the ping timeout after the packet that got the session refused and never cancelled it.
     */
    @Test
    void shouldDropARefusedSessionsHeartbeatTimersWhenItClosesOverEitherTransport() throws Exception {
        // Timers of earlier tests' sessions fire within a ping interval plus timeout (3 s here).
        await().atMost(WAIT).until(() -> engineTimers() == 0);

        for (int i = 0; i < 5; i++) {
            RawSocket attacker = RawSocket.open(port);
            attacker.connectNamespace();
            attacker.text("451000000-[\"x\",{\"_placeholder\":true,\"num\":0}]");
            assertThat(attacker.awaitClose().path("code").asInt()).isEqualTo(1008);
        }
        String polling = handshake();
        connectNamespaceOverPolling(polling);
        post(poll(polling), "451000000-[\"x\",{\"_placeholder\":true,\"num\":0}]");
        awaitEnded(polling);
        await().atMost(WAIT).until(() -> gauge("nuts.push.connections") == 0);

        assertThat(engineTimers()).isZero();
    }

    /** The engine's own timers (ping, ping timeout) queued in its pool; Socket.IO's share the pool. */
    private long engineTimers() {
        return ((ScheduledThreadPoolExecutor) engine.getScheduledExecutor())
                .getQueue().stream()
                        .filter(task -> task.toString().contains("engineio.server.EngineIoSocket"))
                        .count();
    }

    @Test
    void shouldCloseASocketWhoseAttachmentsPassItsBufferAndKeepTheInstanceBufferBounded() throws Exception {
        RawSocket attacker = RawSocket.open(port);
        attacker.connectNamespace();
        attacker.text("454-[\"x\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},"
                + "{\"_placeholder\":true,\"num\":2},{\"_placeholder\":true,\"num\":3}]");
        byte[] frame = new byte[1000 * 1000];
        List<Double> bufferedSeen = new ArrayList<>();
        for (int i = 0; i < 4 && !attacker.isClosed(); i++) {
            attacker.binary(frame);
            bufferedSeen.add(gauge("nuts.push.buffered"));
        }

        JsonNode close = attacker.awaitClose();
        assertThat(close.path("code").asInt()).isEqualTo(1008);
        assertThat(close.path("reason").asString()).contains("socket_buffer_full");
        assertThat(bufferedSeen).allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(MAX_BUFFERED_PER_SOCKET));
        await().atMost(WAIT).until(() -> gauge("nuts.push.buffered") == 0);
    }

    /**
     * Five clients, each under its own bound (1.9 MB of attachments waiting, 2 MB allowed), together past the
     * instance's 8 MB: the socket that would pass it is closed with its reason and counted, the four others keep
     * theirs, and the official client beside them still gets its ack and its push.
     */
    @Test
    void shouldCloseTheSocketThatWouldPassTheInstanceBufferWhileTheOfficialClientGetsItsAnswers() throws Exception {
        double rejectedBefore = rejected("instance_buffer_full");
        byte[] frame = new byte[950_000];
        List<RawSocket> holders = new ArrayList<>();
        List<Double> bufferedSeen = new ArrayList<>();
        try (SocketIoTestClient official = SocketIoTestClient.connect(baseUrl())) {
            official.awaitConnected();
            for (int i = 0; i < 5; i++) {
                RawSocket holder = RawSocket.open(port, "198.51.100." + (10 + i));
                holders.add(holder);
                holder.connectNamespace();
                holder.text(announce(4));
                for (int f = 0; f < 2 && !holder.isClosed(); f++) {
                    holder.binary(frame);
                    bufferedSeen.add(gauge("nuts.push.buffered"));
                }
                if (i < 4) {
                    // held before the next client starts, so that the fifth is the one past the bound
                    double held = (i + 1) * 2.0 * frame.length;
                    await().atMost(WAIT).until(() -> gauge("nuts.push.buffered") >= held);
                }
            }

            JsonNode close = holders.get(4).awaitClose();
            assertThat(close.path("code").asInt()).isEqualTo(1008);
            assertThat(close.path("reason").asString()).contains("instance_buffer_full");
            assertThat(rejected("instance_buffer_full")).isGreaterThan(rejectedBefore);
            assertThat(holders.subList(0, 4)).noneMatch(RawSocket::isClosed);
            assertThat(gauge("nuts.push.buffered")).isGreaterThanOrEqualTo(4 * 2.0 * frame.length);
            assertThat(bufferedSeen).allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(MAX_BUFFERED));

            assertThat(official.emitWithAck(PushSockets.SUBSCRIBE, USER)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            watcher.watch();
            official.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
        } finally {
            holders.forEach(RawSocket::close);
        }
        await().atMost(WAIT).until(() -> gauge("nuts.push.buffered") == 0);
    }

    /**
     * Attachments sent over long-polling ({@code b<base64>} packets in a {@code POST}) are checked as over WebSocket:
     * a million announced ones, or more bytes than the socket's bound, end the session at once (its next poll gets
     * the close packet, then 400), counted by reason.
     */
    @Test
    void shouldBoundAttachmentsSentOverLongPollingAsOverWebSocket() throws Exception {
        double tooManyBefore = rejected("too_many_attachments");
        double socketFullBefore = rejected("socket_buffer_full");

        String announcer = handshake();
        connectNamespaceOverPolling(announcer);
        post(poll(announcer), "451000000-[\"x\",{\"_placeholder\":true,\"num\":0}]");
        awaitEnded(announcer);
        assertThat(rejected("too_many_attachments")).isGreaterThan(tooManyBefore);

        String sender = handshake();
        connectNamespaceOverPolling(sender);
        assertThat(post(poll(sender), announce(4)).statusCode()).isEqualTo(200);
        // 720,000 bytes a packet (960,000 in base64, under NUTS_PUSH_MAX_MESSAGE): the third passes 2 MB.
        String attachment = "b" + java.util.Base64.getEncoder().encodeToString(new byte[720_000]);
        List<Double> bufferedSeen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            post(poll(sender), attachment);
            bufferedSeen.add(gauge("nuts.push.buffered"));
        }
        awaitEnded(sender);
        assertThat(rejected("socket_buffer_full")).isGreaterThan(socketFullBefore);
        assertThat(bufferedSeen).allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(MAX_BUFFERED_PER_SOCKET));
        await().atMost(WAIT).until(() -> gauge("nuts.push.buffered") == 0);
    }

    /**
     * A WebSocket upgrade with a query the engine would misread (it took any EIO but 4 for 3 and closed an unknown
     * sid with a normal close) is refused over HTTP before the upgrade: 4xx, never a 500, a stack trace or a session.
     */
    @Test
    void shouldRefuseMalformedWebSocketUpgradesWith4xx(CapturedOutput output) throws Exception {
        String polling = handshake();
        int before = output.getAll().split("\n").length;
        List<String> targets = List.of(
                "/socket.io/",
                "/socket.io/?EIO=9&transport=websocket",
                "/socket.io/?EIO=4&EIO=3&transport=websocket",
                "/socket.io/?EIO=4&transport=polling",
                "/socket.io/?EIO=4&transport=websocket&sid=",
                "/socket.io/?EIO=4&transport=websocket&sid=" + "x".repeat(100),
                "/socket.io/?EIO=4&transport=websocket&sid=not-a-session",
                "/socket.io/?EIO=4&transport=websocket&sid=%zz");

        for (String target : targets) {
            RawUpgrade answer = rawUpgrade(target);
            assertThat(answer.status()).as(target + " " + answer.head()).isBetween(400, 499);
            assertThat(answer.head()).as(target).contains("INVALID_REQUEST");
        }
        List<String> lines = newLines(output, before);
        assertThat(lines.stream().filter(l -> l.startsWith("\tat "))).isEmpty();
        assertThat(lines.stream()
                        .filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("socket.io")))
                .as("log lines about %d malformed upgrades", targets.size())
                .hasSizeLessThanOrEqualTo(1);
        // The well-formed ones still upgrade: a new session, and the upgrade of the polling one.
        assertThat(rawUpgrade("/socket.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
        assertThat(rawUpgrade("/socket.io/?EIO=4&transport=websocket&sid=" + polling)
                        .status())
                .isEqualTo(101);
    }

    @Test
    void shouldCloseASocketSendingMorePacketsASecondThanAllowed() throws Exception {
        RawSocket flooder = RawSocket.open(port);
        flooder.connectNamespace();
        for (int i = 0; i < 2000 && !flooder.isClosed(); i++) {
            flooder.text("42[\"ping:me\"]");
        }

        JsonNode close = flooder.awaitClose();
        assertThat(close.path("code").asInt()).isEqualTo(1008);
        assertThat(close.path("reason").asString()).contains("too_many_packets");
        assertThat(rejected("too_many_packets")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldCloseDeeplyNestedMessagesWithoutFloodingTheLog(CapturedOutput output) throws Exception {
        int before = output.getAll().split("\n").length;
        String deep = "[".repeat(50_000) + "]".repeat(50_000);
        for (int i = 0; i < 5; i++) {
            RawSocket nester = RawSocket.open(port);
            nester.connectNamespace();
            nester.text("42[\"subscribe:positions\"," + deep + "]");
            assertThat(nester.awaitClose().path("reason").asString()).contains("too_deep");
        }

        List<String> lines = newLines(output, before);
        assertThat(lines.stream().filter(l -> l.startsWith("\tat ") || l.contains("Socket.IO")))
                .as("log lines about five nested messages")
                .hasSizeLessThanOrEqualTo(1);
        assertThat(String.join("\n", lines)).doesNotContain("StackOverflowError");
    }

    @Test
    void shouldEndAbandonedSessionsAtTheirHeartbeatAndCapTheSessionsOfOneClient() throws Exception {
        // Abandoned mid-handshake: the polling handshake, never polled again.
        String handshakeOnly = handshake();
        // Abandoned after the handshake: connected to the namespace, then silent.
        String connected = handshake();
        assertThat(post("/socket.io/?EIO=4&transport=polling&sid=" + connected, "40")
                        .statusCode())
                .isEqualTo(200);
        // Abandoned during the upgrade: the WebSocket probe answered, the upgrade never finished, the socket left open.
        String upgrading = handshake();
        RawSocket probe = RawSocket.upgrade(port, upgrading);
        probe.text("2probe");
        probe.awaitText("3probe");

        // Three sessions of this client are open: a fourth handshake is refused over HTTP, before any upgrade.
        HttpResponse<String> fourth = get("/socket.io/?EIO=4&transport=polling");
        assertThat(fourth.statusCode()).isEqualTo(503);
        assertThat(json.readTree(fourth.body()).path("error").path("code").asString())
                .isEqualTo("TOO_MANY_CONNECTIONS");
        assertThat(json.readTree(fourth.body()).path("error").path("message").asString())
                .contains("NUTS_PUSH_MAX_SESSIONS_PER_CLIENT");
        // A silent WebSocket session too, opened once a slot is free.
        await().atMost(WAIT).until(() -> gauge("nuts.push.connections") == 0);
        RawSocket silent = RawSocket.openSilent(port);

        await().atMost(WAIT).until(() -> gauge("nuts.push.connections") == 0);
        assertThat(silent.awaitClose()).isNotNull();
        try (SocketIoTestClient later = SocketIoTestClient.connect(baseUrl())) {
            assertThat(later.awaitConnected()).isNotBlank();
        }
    }

    @Test
    void shouldAnswerMalformedPollingWith4xxAndLogAtMostOneLine(CapturedOutput output) throws Exception {
        String sid = handshake();
        int before = output.getAll().split("\n").length;
        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(get("/socket.io/"));
        answers.add(get("/socket.io/?"));
        answers.add(get("/socket.io/?EIO=4"));
        answers.add(get("/socket.io/?EIO=4&transport=polling&sid="));
        answers.add(get("/socket.io/?EIO=4&transport=polling&sid=" + sid + "&sid=" + sid));
        List<Integer> rawStatuses = List.of(
                rawGet("/socket.io/?EIO=4&transport=polling&sid=%zz"), rawGet("/socket.io/?EIO=%zz&transport=polling"));
        answers.add(get("/socket.io/?EIO=9&transport=polling"));
        answers.add(get("/socket.io/?EIO=4&transport=carrier-pigeon"));
        answers.add(get("/socket.io/?EIO=4&transport=polling&sid=unknown"));
        answers.add(post("/socket.io/?EIO=4&transport=polling", "40"));
        answers.add(post("/socket.io/?EIO=4&transport=polling&sid=" + sid, ""));
        answers.add(post("/socket.io/?EIO=4&transport=polling&sid=" + sid, "garbage"));
        answers.add(post("/socket.io/?EIO=4&transport=polling&sid=" + sid, "b!!!not-base64!!!"));
        answers.add(send(HttpRequest.newBuilder(uri("/socket.io/?EIO=4&transport=polling&sid=" + sid))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {4, 1, 2, 3}))
                .build()));
        // Overlapping polls: one waits for data, the other is refused; neither is a 500 or left hanging.
        String waiting = handshake();
        List<CompletableFuture<HttpResponse<String>>> overlapping = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            overlapping.add(http.sendAsync(
                    HttpRequest.newBuilder(uri("/socket.io/?EIO=4&transport=polling&sid=" + waiting))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode())
                    .as(answer.request().method() + " " + answer.uri() + " " + answer.body())
                    .isBetween(400, 499);
        }
        assertThat(rawStatuses).allSatisfy(status -> assertThat(status).isBetween(400, 499));
        for (CompletableFuture<HttpResponse<String>> poll : overlapping) {
            assertThat(poll.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode())
                    .isLessThan(500);
        }
        List<String> pushLines = newLines(output, before).stream()
                .filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("socket.io") || l.startsWith("\tat "))
                .toList();
        assertThat(pushLines)
                .as("log lines about %d malformed requests", answers.size() + 4)
                .hasSizeLessThanOrEqualTo(1);
    }

    /**
     * 50 sockets x 20 random wallets cost the indexer about 970 calls a minute: now one client follows at most
     * NUTS_PUSH_MAX_WALLETS_PER_CLIENT (5 here) wallets over all its sockets, the watch reads them through the
     * positions cache (one indexer read per wallet per cache TTL, however many runs), and a wallet's push_rooms row
     * goes when its last subscriber does.
     */
    @Test
    void shouldBoundTheWalletsAClientMakesUsWatchAndForgetRoomsNobodyFollows() throws Exception {
        List<String> wallets = upstream.newEmptyWallets(8);
        int accepted = 0;
        try (SocketIoTestClient first = SocketIoTestClient.connectWebSocket(baseUrl());
                SocketIoTestClient second = SocketIoTestClient.connectWebSocket(baseUrl())) {
            first.awaitConnected();
            second.awaitConnected();
            for (int i = 0; i < wallets.size(); i++) {
                SocketIoTestClient socket = i % 2 == 0 ? first : second;
                JsonNode ack = socket.emitWithAck(PushSockets.SUBSCRIBE, wallets.get(i));
                if (ack.path("ok").asBoolean()) {
                    accepted++;
                } else {
                    assertThat(ack.path("error").path("code").asString()).isEqualTo("TOO_MANY_SUBSCRIPTIONS");
                }
            }
            assertThat(accepted).isEqualTo(5);

            for (int run = 0; run < 5; run++) {
                watcher.watch();
            }
            // The trade syncs the first run asked for read the indexer in the background: let them finish.
            await().atMost(WAIT).pollDelay(Duration.ofSeconds(2)).until(() -> true);

            // Each followed wallet is read once through the cache and once by its trade sync (its positions were new
            // to its room); the other four runs, within the positions cache's TTL, cost the indexer nothing.
            // Before: every run read every wallet fresh and synced its trades, 5 x 5 x 2 = 50.
            assertThat(positionReads(wallets))
                    .as("indexer reads for 5 wallets over 5 runs")
                    .isLessThanOrEqualTo(10);
            assertThat(count("SELECT count(*) FROM push_rooms")).isEqualTo(5);
        }
        // Both sockets gone: no instance follows the wallets, their rows go.
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM push_rooms") == 0);
    }

    private static int positionReads(List<String> wallets) {
        int reads = 0;
        for (String wallet : wallets) {
            reads += upstream.hits("/book/user/" + wallet + "/positions");
        }
        return reads;
    }

    /** A Socket.IO binary event announcing {@code n} attachments. */
    private static String announce(int n) {
        StringBuilder packet = new StringBuilder("45" + n + "-[\"x\"");
        for (int i = 0; i < n; i++) {
            packet.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
        }
        return packet.append(']').toString();
    }

    private static String poll(String sid) {
        return "/socket.io/?EIO=4&transport=polling&sid=" + sid;
    }

    /** Connects the namespace over long-polling and reads the server's answer (nothing left waiting to be polled). */
    private void connectNamespaceOverPolling(String sid) {
        assertThat(post(poll(sid), "40").statusCode()).isEqualTo(200);
        assertThat(get(poll(sid)).body()).startsWith("40");
    }

    /**
     * The session was closed by the server: its next poll gets the close packet at once (an open session's poll
     * waits for the next ping, and this test client never answers one), the poll after that 400.
     */
    private void awaitEnded(String sid) {
        HttpResponse<String> next = get(poll(sid));
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(List.of(next.body().split("\u001e")))
                .as("packets of the next poll")
                .contains("1");
        assertThat(get(poll(sid)).statusCode()).isEqualTo(400);
    }

    record RawUpgrade(int status, String head) {}

    /** A WebSocket upgrade written byte for byte; its status and what came within a moment, then the socket closes. */
    private RawUpgrade rawUpgrade(String target) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream()
                    .write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int read = in.read(buffer);
            String head = read <= 0 ? "" : new String(buffer, 0, read, java.nio.charset.StandardCharsets.UTF_8);
            if (head.startsWith("HTTP/1.1 4") && !head.contains("}")) {
                // the body may come in a second read
                socket.setSoTimeout(2000);
                int more = in.read(buffer);
                if (more > 0) {
                    head += new String(buffer, 0, more, java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            return new RawUpgrade(Integer.parseInt(head.split(" ")[1]), head);
        }
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    // --- helpers ---

    private static List<String> newLines(CapturedOutput output, int before) {
        String[] all = output.getAll().split("\n");
        return List.of(all).subList(Math.min(before, all.length), all.length);
    }

    /** A GET written byte for byte (java.net.URI refuses a malformed escape such as %zz); its status code. */
    private int rawGet(String target) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream()
                    .write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(
                            socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A polling handshake; the session id. */
    private String handshake() {
        HttpResponse<String> open = get("/socket.io/?EIO=4&transport=polling");
        assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
        String body = open.body();
        return json.readTree(body.substring(body.indexOf('{'))).path("sid").asString();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private double rejected(String reason) {
        return meters.find("nuts.push.rejected").tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    /** Engine.IO 4 over a WebSocket, by hand: what a hostile client sends, and what it sees. */
    static final class RawSocket implements WebSocket.Listener {
        private final List<String> texts = new CopyOnWriteArrayList<>();
        private final CompletableFuture<JsonNode> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final boolean answerPings;
        private WebSocket socket;
        /** java.net.http.WebSocket refuses a send while one is pending: sends (pongs too) go one after another. */
        private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

        private synchronized CompletableFuture<?> enqueue(
                java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> send) {
            sending = sending.handle((r, e) -> null).thenCompose(x -> send.apply(socket));
            return sending;
        }

        private RawSocket(boolean answerPings) {
            this.answerPings = answerPings;
        }

        /** A session that answers the server's pings (it stays open as long as it wants). */
        static RawSocket open(int port) throws Exception {
            return open(port, true, null);
        }

        /** The same from the client {@code forwardedFor} (loopback, the trusted proxy, forwards it). */
        static RawSocket open(int port, String forwardedFor) throws Exception {
            return open(port, true, forwardedFor);
        }

        /** A session that never answers a ping: abandoned, with its TCP connection left open. */
        static RawSocket openSilent(int port) throws Exception {
            return open(port, false, null);
        }

        private static RawSocket open(int port, boolean answerPings, String forwardedFor) throws Exception {
            RawSocket raw = new RawSocket(answerPings);
            WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
            if (forwardedFor != null) {
                builder.header("X-Forwarded-For", forwardedFor);
            }
            raw.socket = builder.buildAsync(
                            URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), raw)
                    .get(30, TimeUnit.SECONDS);
            raw.awaitText("0{");
            return raw;
        }

        static RawSocket upgrade(int port, String sid) throws Exception {
            RawSocket raw = new RawSocket(false);
            raw.socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .buildAsync(
                            URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket&sid=" + sid),
                            raw)
                    .get(30, TimeUnit.SECONDS);
            return raw;
        }

        void connectNamespace() {
            text("40");
            awaitText("40{");
        }

        void text(String message) {
            try {
                enqueue(ws -> ws.sendText(message, true)).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closed by the server under us: what the tests wait for
            }
        }

        void binary(byte[] message) {
            try {
                enqueue(ws -> ws.sendBinary(ByteBuffer.wrap(message), true)).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closed by the server under us
            }
        }

        /** Closes this socket from the client's side (and stops waiting for the server's answer). */
        void close() {
            try {
                enqueue(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "")).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // already closed
            }
            socket.abort();
        }

        boolean isClosed() {
            return closed.isDone() || socket.isInputClosed();
        }

        void awaitText(String prefix) {
            await().atMost(WAIT).until(() -> texts.stream().anyMatch(t -> t.startsWith(prefix)));
        }

        JsonNode awaitClose() throws Exception {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                texts.add(text);
                partial.setLength(0);
                if (answerPings && text.equals("2")) {
                    enqueue(ws -> ws.sendText("3", true));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(json.createObjectNode().put("code", statusCode).put("reason", reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(json.createObjectNode().put("code", -1).put("reason", String.valueOf(error)));
        }
    }
}
