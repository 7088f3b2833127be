package io.nutsgate.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.positions.PositionWatcher;
import io.nutsgate.support.PersistenceTest;
import io.nutsgate.support.SocketIoTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One client swapping wallets over Socket.IO must cost the Thetanuts indexer no more than the same client asking for
 * them with {@code POST /nuts/positions}: both draw on one bucket of {@code NUTS_POSITIONS_RATE_LIMIT} new addresses
 * (5 an hour here, the clock pinned) and read through one positions cache. The stand-in indexer counts the calls per
 * wallet. Before, each subscription (subscribe, one watch run, unsubscribe) made the watch read a new wallet, three
 * calls each (its open positions, then both lists again for the trade sync): 2 addresses over REST and 20 random
 * wallets were 22 wallets read, 64 calls, against the 5 addresses (10 calls) REST alone allows.
 */
// Its own context (its own buckets), closed after the class.
@DirtiesContext
@TestPropertySource(
        properties = {
            "nuts.positions-rate-limit.requests=" + SubscriptionCostIT.LIMIT,
            "nuts.positions-rate-limit.window=1h",
            "nuts.push.watch-interval=1h",
            "nuts.push.after-update-checks=0s"
        })
class SubscriptionCostIT extends PersistenceTest {

    static final int LIMIT = 5;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    PositionWatcher watcher;

    @Test
    void shouldMakeTheIndexerReadNoMoreWalletsForOneClientsSubscriptionsThanItsRestLimit() throws Exception {
        List<String> rest = upstream.newEmptyWallets(2);
        List<String> subscribed = upstream.newEmptyWallets(20);
        List<String> all = new ArrayList<>(rest);
        all.addAll(subscribed);
        // Two addresses over REST: two of the client's five.
        for (String wallet : rest) {
            assertThat(positions(wallet, "all").statusCode()).isEqualTo(200);
        }

        List<String> accepted = new ArrayList<>();
        List<JsonNode> refusals = new ArrayList<>();
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(baseUrl())) {
            client.awaitConnected();
            // An address the client just asked for over REST is in the positions cache: free.
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, rest.get(0))
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            client.emitWithAck(PushSockets.UNSUBSCRIBE, rest.get(0));
            // Swapping wallets: subscribe, let the watch read it, unsubscribe, the next one.
            for (String wallet : subscribed) {
                JsonNode ack = client.emitWithAck(PushSockets.SUBSCRIBE, wallet);
                if (ack.path("ok").asBoolean()) {
                    accepted.add(wallet);
                    watcher.watch();
                    client.emitWithAck(PushSockets.UNSUBSCRIBE, wallet);
                } else {
                    refusals.add(ack);
                }
            }
            watcher.watch();
        }
        // The trade syncs the watch runs asked for read the indexer in the background: let them finish.
        await().atMost(WAIT)
                .pollDelay(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> upstream.walletCalls(all) == callsAfter(all, Duration.ofMillis(500)));

        long walletsRead =
                all.stream().filter(w -> upstream.walletCalls(List.of(w)) > 0).count();
        System.out.printf(
                "SubscriptionCostIT: limit %d; wallets read %d (REST %d, subscriptions %d); indexer calls %d"
                        + " (REST %d, subscriptions %d)%n",
                LIMIT,
                walletsRead,
                rest.size(),
                accepted.size(),
                upstream.walletCalls(all),
                upstream.walletCalls(rest),
                upstream.walletCalls(subscribed));
        assertThat(walletsRead)
                .as("wallets one client made the indexer read over REST and subscriptions")
                .isLessThanOrEqualTo(LIMIT);
        // What REST costs per address, measured here (open positions and history): the limit's worth of it is all
        // the client may cost, however it asks.
        int restCallsPerAddress = upstream.walletCalls(rest) / rest.size();
        assertThat(restCallsPerAddress).isEqualTo(2);
        assertThat(upstream.walletCalls(all))
                .as("indexer calls of one client over REST and subscriptions")
                .isLessThanOrEqualTo(LIMIT * restCallsPerAddress);
        assertThat(accepted).hasSize(LIMIT - rest.size());
        assertThat(refusals).hasSize(subscribed.size() - accepted.size()).allSatisfy(refusal -> {
            assertThat(refusal.path("ok").asBoolean()).isFalse();
            assertThat(refusal.path("error").path("code").asString()).isEqualTo("RATE_LIMITED");
            assertThat(refusal.path("error").path("retryAfterSeconds").asLong()).isPositive();
        });
        // A refused subscription cost the indexer nothing.
        List<String> refused = new ArrayList<>(subscribed);
        refused.removeAll(accepted);
        assertThat(upstream.walletCalls(refused)).isZero();

        // One bucket: the client's next new address over REST is refused too, before any indexer call.
        String next = upstream.newEmptyWallets(1).getFirst();
        HttpResponse<String> over = positions(next, "all");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(errorCode(over)).isEqualTo("RATE_LIMITED");
        assertThat(upstream.walletCalls(List.of(next))).isZero();
        // One cache: a wallet the watch read is served to REST from it, neither counted nor read again.
        int before = upstream.hits("/book/user/" + accepted.getFirst() + "/positions");
        assertThat(positions(accepted.getFirst(), "open").statusCode()).isEqualTo(200);
        assertThat(upstream.hits("/book/user/" + accepted.getFirst() + "/positions"))
                .isEqualTo(before);
    }

    private HttpResponse<String> positions(String wallet, String type) {
        return post("/nuts/positions", "{\"address\":\"" + wallet + "\",\"type\":\"" + type + "\"}");
    }

    private static int callsAfter(List<String> wallets, Duration pause) throws InterruptedException {
        Thread.sleep(pause);
        return upstream.walletCalls(wallets);
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + port;
    }
}
