package io.nutsgate.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.positions.PositionWatcher;
import io.nutsgate.support.PersistenceTest;
import io.nutsgate.support.SocketIoTestClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Following a wallet is asking for it again every positions cache lifetime (1 s here): a client that spent its
 * {@code NUTS_POSITIONS_RATE_LIMIT} (3 an hour here, the clock pinned) keeps no subscription past a lifetime, so the
 * watch stops reading those wallets. Before, a followed wallet was read once per lifetime for as long as it was held,
 * beside the client's whole REST budget.
 */
// Its own context (its own buckets, a 1 s positions lifetime), closed after the class.
@DirtiesContext
@TestPropertySource(
        properties = {
            "nuts.positions-rate-limit.requests=3",
            "nuts.positions-rate-limit.window=1h",
            "nuts.cache.ttl.positions=1s",
            "nuts.push.watch-interval=1h",
            "nuts.push.after-update-checks=0s"
        })
class SubscriptionRenewalIT extends PersistenceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    PositionWatcher watcher;

    @Test
    void shouldEndSubscriptionsWhoseNextLifetimeWouldPassTheClientsBudget() throws Exception {
        List<String> wallets = upstream.newEmptyWallets(3);
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket("http://127.0.0.1:" + port)) {
            client.awaitConnected();
            for (String wallet : wallets) {
                assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, wallet)
                                .path("ok")
                                .asBoolean())
                        .isTrue();
            }
            watcher.watch();

            List<JsonNode> ended = client.awaitEvents(PushSockets.SUBSCRIPTION_ENDED, 3, WAIT);
            assertThat(ended).extracting(e -> e.path("wallet").asString()).containsExactlyInAnyOrderElementsOf(wallets);
            assertThat(ended).allSatisfy(e -> {
                assertThat(e.path("error").path("code").asString()).isEqualTo("RATE_LIMITED");
                assertThat(e.path("error").path("retryAfterSeconds").asLong()).isPositive();
            });
            // The lists are past their lifetime now: a wallet still followed would be read again.
            int calls = upstream.walletCalls(wallets);
            clock.advance(Duration.ofMinutes(5));
            watcher.watch();
            Thread.sleep(1000); // a trade sync the run asked for would read in the background
            assertThat(upstream.walletCalls(wallets))
                    .as("indexer calls after the subscriptions ended")
                    .isEqualTo(calls);

            // A window later the budget is back, and the client may follow a wallet again.
            clock.advance(Duration.ofHours(1));
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, wallets.getFirst())
                            .path("ok")
                            .asBoolean())
                    .isTrue();
        }
    }
}
