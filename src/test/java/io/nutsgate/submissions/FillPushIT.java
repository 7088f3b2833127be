package io.nutsgate.submissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.indexer.ChainIndexer;
import io.nutsgate.push.PushMessage;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.SocketIoTestClient;
import io.nutsgate.support.UniqueContext;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import tools.jackson.databind.JsonNode;

/**
 * What the official socket.io-client sees of fills on the devnet (2-second blocks): {@code trade:new} {@code seen}
 * then {@code confirmed} from our chain reader, or at once from {@code POST /nuts/fills}, then the room's
 * {@code position:update}; {@code trade:removed} when {@code anvil_reorg} takes the fill's block away. The indexer
 * runs no batch on its own here ({@code poll-interval} 1 h): each test says when it reads the chain, so a push can
 * only come from the path under test. Amounts are REFERENCE §3.5's first row, hand-computed there.
 */
@UniqueContext
class FillPushIT extends ServiceTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final int CONFIRMATIONS = 2;

    static Devnet devnet;

    @Autowired
    ChainIndexer indexer;

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        devnet = Devnet.start(REFERRER);
        devnet.serveFromChain(registry);
        registry.add("nuts.chain.confirmations", () -> String.valueOf(CONFIRMATIONS));
        registry.add("nuts.chain.poll-interval", () -> "1h");
        registry.add("nuts.chain.receipt-poll-interval", () -> "100ms");
        registry.add("nuts.push.after-update-checks", () -> "0s");
        registry.add("nuts.push.watch-interval", () -> "1h");
    }

    @AfterAll
    static void stopDevnet() {
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    void shouldPushTheFillOurChainReaderSawAsSeenThenConfirmedThenTheTakersPositions() {
        Account taker = devnet.takers().get(0);
        try (SocketIoTestClient client = subscribed(taker)) {
            String tx = hash(devnet.fillReferenceSpread(taker, REFERRER));

            readChainUntilCaughtUp();
            JsonNode seen = awaitTrade(client, tx, "seen");
            assertThat(seen.path("wallet").asString()).isEqualToIgnoringCase(taker.address());
            assertThat(seen.path("side").asString()).isEqualTo("BUYER");
            assertThat(seen.path("product").asString()).isEqualTo("CALL_SPREAD");
            assertThat(seen.path("premium").path("raw").asString()).isEqualTo("999999982");
            assertThat(seen.path("fee").path("raw").asString()).isEqualTo("34880711");
            assertThat(seen.path("referralFee").path("raw").asString()).isEqualTo("17440355");
            assertThat(seen.path("contracts").path("raw").asString()).isEqualTo("23724792");
            assertThat(seen.path("referrer").asString()).isEqualToIgnoringCase(REFERRER);
            JsonNode positions = client.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
            assertThat(positions.path("address").asString())
                    .isEqualTo(taker.address().toLowerCase(Locale.ROOT));
            assertThat(positions.path("type").asString()).isEqualTo("open");

            // confirmed once CONFIRMATIONS blocks (2 s each) are on top of the fill's
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                readChainUntilCaughtUp();
                return client.events(PushMessage.TRADE_NEW).stream().anyMatch(t -> isTrade(t, tx, "confirmed"));
            });
            assertThat(client.events(PushMessage.TRADE_NEW))
                    .filteredOn(t -> isTrade(t, tx, "seen"))
                    .hasSize(1);
        }
    }

    @Test
    void shouldPushASubmittedFillFromItsReceiptBeforeTheChainReaderReadsItsBlock() {
        Account taker = devnet.takers().get(1);
        try (SocketIoTestClient client = subscribed(taker)) {
            String tx = hash(devnet.fillReferenceSpread(taker, REFERRER));

            assertThat(post("/nuts/fills", "{\"txHash\":\"" + tx + "\"}").statusCode())
                    .isEqualTo(200);

            JsonNode seen = awaitTrade(client, tx, "seen");
            assertThat(seen.path("premium").path("raw").asString()).isEqualTo("999999982");
            assertThat(seen.path("referralFee").path("raw").asString()).isEqualTo("17440355");
            client.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
        }
    }

    @Test
    void shouldPushTradeRemovedWhenAReorgTakesThePushedFillsBlockAway() {
        Account taker = devnet.takers().get(0);
        try (SocketIoTestClient client = subscribed(taker)) {
            TransactionReceipt receipt = devnet.fillReferenceSpread(taker, REFERRER);
            String tx = hash(receipt);
            readChainUntilCaughtUp();
            awaitTrade(client, tx, "seen");

            // the fill's block and everything after it replaced by empty blocks, then the reader's next batches
            devnet.reorg(devnet.head() - receipt.getBlockNumber().longValueExact() + 1);
            readChainUntilCaughtUp();

            JsonNode removed = client.await(
                    line -> line.path("type").asString().equals("event")
                            && line.path("event").asString().equals(PushMessage.TRADE_REMOVED)
                            && line.path("args")
                                    .get(0)
                                    .path("entryTxHash")
                                    .asString()
                                    .equals(tx),
                    WAIT,
                    "trade:removed for " + tx);
            assertThat(removed.path("args").get(0).path("status").asString()).isEqualTo("removed");
            assertThat(get("/nuts/users/" + taker.address() + "/trades?limit=100")
                            .body())
                    .doesNotContain(tx);
        }
    }

    private SocketIoTestClient subscribed(Account wallet) {
        SocketIoTestClient client = SocketIoTestClient.connect("http://127.0.0.1:" + port);
        client.awaitConnected();
        assertThat(client.emitWithAck("subscribe:positions", wallet.address()).toString())
                .isEqualTo("{\"ok\":true}");
        return client;
    }

    private void readChainUntilCaughtUp() {
        while (indexer.runOnce() != ChainIndexer.Outcome.CAUGHT_UP) {
            // one batch after the other up to the head
        }
    }

    private static JsonNode awaitTrade(SocketIoTestClient client, String tx, String status) {
        return client.await(
                        line -> line.path("event").asString().equals(PushMessage.TRADE_NEW)
                                && isTrade(line.path("args").path(0), tx, status),
                        WAIT,
                        "trade:new " + status + " for " + tx)
                .path("args")
                .path(0);
    }

    private static boolean isTrade(JsonNode trade, String tx, String status) {
        return trade.path("entryTxHash").asString().equals(tx)
                && trade.path("status").asString().equals(status);
    }

    private static String hash(TransactionReceipt receipt) {
        return receipt.getTransactionHash().toLowerCase(Locale.ROOT);
    }
}
