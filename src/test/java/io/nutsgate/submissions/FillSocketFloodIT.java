package io.nutsgate.submissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.indexer.ChainIndexerIT;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.SocketIoTestClient;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code fill:submitted} flooded with made-up hashes by one client over several connections of the official
 * socket.io-client: the limits count the client (its address, as for the REST limits), not each connection, so the
 * client gets {@value #PENDING_PER_CLIENT} pending submissions in all and error acks for the rest, shares its bucket
 * with its own {@code POST /nuts/fills}, and a real fill another client submits beside the flood is recorded.
 */
class FillSocketFloodIT extends ServiceTest {

    static final int CONNECTIONS = 5;
    static final int FLOOD = 150;
    static final int PENDING_PER_CLIENT = 10; // NUTS_FILLS_MAX_PENDING_PER_CLIENT's default
    static final int PER_MINUTE = 30; // NUTS_FILLS_PER_MINUTE's default

    static Devnet devnet;

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        devnet = Devnet.start(REFERRER);
        devnet.serveFromChain(registry);
        // the test's loopback is a trusted proxy: its X-Forwarded-For names the other client
        registry.add("nuts.clients.trusted-proxies", () -> "127.0.0.1/32");
        registry.add("nuts.chain.poll-interval", () -> "1h"); // the receipt alone records the real fill
    }

    @AfterAll
    static void stop() {
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    void shouldCountAFloodOverSeveralConnectionsForItsClientAndStillRecordARealFill() {
        List<SocketIoTestClient> flooders = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                SocketIoTestClient client = SocketIoTestClient.connectWebSocket("http://127.0.0.1:" + port);
                client.awaitConnected();
                flooders.add(client);
            }
            SecureRandom random = new SecureRandom();
            Map<String, Integer> acks = new TreeMap<>();
            int[] acceptedPerConnection = new int[CONNECTIONS];
            for (int i = 0; i < FLOOD; i++) {
                byte[] hash = new byte[32];
                random.nextBytes(hash);
                JsonNode ack = flooders.get(i % CONNECTIONS)
                        .emitWithAck("fill:submitted", "0x" + HexFormat.of().formatHex(hash));
                String outcome;
                if (ack.path("ok").asBoolean(false)) {
                    assertThat(ack.path("fill").path("state").asString()).isEqualTo("pending");
                    acceptedPerConnection[i % CONNECTIONS]++;
                    outcome = "accepted";
                } else {
                    outcome = ack.path("error").path("code").asString();
                    if (outcome.equals("RATE_LIMITED")) {
                        assertThat(ack.path("error").path("retryAfterSeconds").asInt(0))
                                .isPositive();
                    }
                }
                acks.merge(outcome, 1, Integer::sum);
                sleep(25); // below the per-socket packet limit: only the fill limits answer
            }
            assertThat(acks.keySet()).containsOnly("accepted", "TOO_MANY_PENDING_FILLS", "RATE_LIMITED");
            // one client: 10 pending in all, not 10 per connection (50 when each connection was counted alone)
            assertThat(acks.get("accepted")).isEqualTo(PENDING_PER_CLIENT);
            assertThat(java.util.Arrays.stream(acceptedPerConnection).max().orElseThrow())
                    .isLessThan(PENDING_PER_CLIENT);
            // the bucket of 30 a minute: the first 30 tried, the 20 past the pending cap refused as such (a few more
            // when the greedy refill of one every 2 s added tokens during the flood), the rest rate limited
            assertThat(acks.get("TOO_MANY_PENDING_FILLS")).isBetween(PER_MINUTE - PENDING_PER_CLIENT, PER_MINUTE);
            assertThat(acks.get("RATE_LIMITED")).isGreaterThanOrEqualTo(FLOOD - 2 * PER_MINUTE);

            // the same bucket as the client's POST /nuts/fills
            HttpResponse<String> rest =
                    post("/nuts/fills", "{\"txHash\":\"0x" + "ab".repeat(32) + "\"}", "Accept", "application/json");
            assertThat(rest.statusCode()).isEqualTo(429);
            assertThat(errorCode(rest)).isEqualTo("RATE_LIMITED");

            // a real fill submitted over a socket by another client beside the flood is recorded
            Account taker = devnet.takers().get(0);
            String tx = ChainIndexerIT.fill(devnet, taker, REFERRER)
                    .getTransactionHash()
                    .toLowerCase(Locale.ROOT);
            try (SocketIoTestClient other =
                    SocketIoTestClient.connectForwardedFor("http://127.0.0.1:" + port, "203.0.113.8")) {
                other.awaitConnected();
                JsonNode ack = other.emitWithAck("fill:submitted", tx);
                assertThat(ack.path("ok").asBoolean(false)).as(ack.toString()).isTrue();
                assertThat(ack.path("fill").path("txHash").asString()).isEqualTo(tx);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(body(get("/nuts/fills/" + tx))
                            .path("data")
                            .path("state")
                            .asString())
                    .isEqualTo("recorded"));
        } finally {
            flooders.forEach(SocketIoTestClient::close);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
