package io.nutsgate.submissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.indexer.ChainIndexer;
import io.nutsgate.indexer.ChainIndexerIT;
import io.nutsgate.support.ApiShapes;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.UniqueContext;
import io.nutsgate.trades.TradeRecordedEvent;
import io.nutsgate.trades.TradeRemovedEvent;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /nuts/fills} on the devnet with an indexer that polls once an hour (it reads the chain once at start,
 * then not again during the test): a fill sent through our referrer is a trade and a {@code seen}
 * {@link TradeRecordedEvent} from its receipt alone, with the amounts of REFERENCE §3.5 row 1 (hand-computed there);
 * an approve transaction is not a fill and ends failed with a reason; the same hash twice is one entry.
 */
@Import({FillSubmissionIT.Events.class, FillSubmissionIT.Removals.class})
@UniqueContext
class FillSubmissionIT extends ServiceTest {

    static Devnet devnet;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Events events;

    @Autowired
    Removals removed;

    @Autowired
    ChainIndexer indexer;

    @TestConfiguration(proxyBeanMethods = false)
    static class Removals {
        final List<TradeRemovedEvent> removed = new CopyOnWriteArrayList<>();

        @EventListener
        void on(TradeRemovedEvent e) {
            removed.add(e);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Events {
        final List<TradeRecordedEvent> recorded = new CopyOnWriteArrayList<>();

        @EventListener
        void on(TradeRecordedEvent e) {
            recorded.add(e);
        }
    }

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        devnet = Devnet.start(REFERRER);
        devnet.serveFromChain(registry);
        registry.add("nuts.chain.poll-interval", () -> "1h"); // the indexer's batch will not come during the test
        registry.add("nuts.chain.receipt-poll-interval", () -> "100ms");
        registry.add("nuts.chain.max-block-range", () -> "2"); // windows of 2 blocks: the cursor lags the head
    }

    @AfterAll
    static void stopDevnet() {
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    void shouldRecordASubmittedFillFromItsReceiptBeforeTheIndexerReadsItsBlock() {
        Account taker = devnet.takers().get(0);
        String tx = ChainIndexerIT.fill(devnet, taker, REFERRER)
                .getTransactionHash()
                .toLowerCase(Locale.ROOT);
        String upper = "0x" + tx.substring(2).toUpperCase(Locale.ROOT);

        HttpResponse<String> submitted = post("/nuts/fills", "{\"txHash\":\"" + upper + "\"}");

        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
        assertThat(body(submitted).path("data").path("txHash").asString()).isEqualTo(tx);
        JsonNode fill = awaitState(tx, "recorded");
        assertThat(fill.path("error").isNull()).isTrue();
        assertThat(fill.path("trades")).hasSize(1);
        JsonNode trade = fill.path("trades").get(0);
        assertThat(trade.path("entryTxHash").asString()).isEqualTo(tx);
        assertThat(trade.path("side").asString()).isEqualTo("BUYER");
        assertThat(trade.path("product").asString()).isEqualTo("CALL_SPREAD");
        assertThat(trade.path("premium").path("raw").asString()).isEqualTo(ChainIndexerIT.PREMIUM.toString());
        assertThat(trade.path("fee").path("raw").asString()).isEqualTo(ChainIndexerIT.FEE.toString());
        assertThat(trade.path("referralFee").path("raw").asString()).isEqualTo(ChainIndexerIT.REFERRAL_FEE.toString());
        assertThat(trade.path("confirmation").asString()).isEqualTo("seen");
        ApiShapes shapes = new ApiShapes();
        shapes.walk("GET /nuts/fills/{txHash}", body(get("/nuts/fills/" + tx)));
        assertThat(shapes.violations()).isEmpty();
        assertThat(shapes.amounts()).isGreaterThanOrEqualTo(7);
        // visible through the trades API, announced as seen, and the indexer has not read the fill's block
        assertThat(body(get("/nuts/users/" + taker.address() + "/trades?limit=100"))
                        .path("data")
                        .path("trades"))
                .anyMatch(t -> t.path("entryTxHash").asString().equals(tx));
        assertThat(events.recorded)
                .filteredOn(e -> e.trade().entryTxHash().equals(tx))
                .singleElement()
                .satisfies(e -> assertThat(e.confirmation()).isEqualTo(TradeRecordedEvent.SEEN));
        assertThat(jdbc.sql("SELECT count(*) FROM chain_fills WHERE tx_hash = :tx")
                        .param("tx", tx)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void shouldRemoveASubmittedFillWhoseBlockAReorgReplacedWhenTheIndexerReadsThatRange() throws Exception {
        Account taker = devnet.takers().get(1);
        TransactionReceipt receipt = ChainIndexerIT.fill(devnet, taker, REFERRER);
        String tx = receipt.getTransactionHash().toLowerCase(Locale.ROOT);
        post("/nuts/fills", "{\"txHash\":\"" + tx + "\"}");
        awaitState(tx, "recorded");

        // the fill's block and everything after it replaced by empty blocks, then the indexer's batches
        devnet.reorg(devnet.head() - receipt.getBlockNumber().longValueExact() + 1);
        while (indexer.runOnce() != ChainIndexer.Outcome.CAUGHT_UP) {
            // read up to the head
        }

        assertThat(jdbc.sql("SELECT count(*) FROM trades WHERE entry_tx_hash = :tx")
                        .param("tx", tx)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(removed.removed).anyMatch(e -> e.trade().entryTxHash().equals(tx));
    }

    @Test
    void shouldRemoveAConfirmedTradeRecordedFromAReceiptWhenAReorgReplacesItsBlock() {
        Account taker = devnet.takers().get(1);
        TransactionReceipt receipt = ChainIndexerIT.fill(devnet, taker, REFERRER);
        String tx = receipt.getTransactionHash().toLowerCase(Locale.ROOT);
        post("/nuts/fills", "{\"txHash\":\"" + tx + "\"}");
        awaitState(tx, "recorded");
        assertThat(confirmation(tx)).isEqualTo("seen");

        // the indexer reads the fill's block and 10 more (the confirmation depth): the trade is confirmed
        devnet.mine(11);
        while (indexer.runOnce() != ChainIndexer.Outcome.CAUGHT_UP) {
            // read up to the head
        }
        assertThat(confirmation(tx)).isEqualTo("confirmed");

        // a reorg deeper than the confirmation depth replaces the fill's block: the confirmed trade goes too
        devnet.reorg(devnet.head() - receipt.getBlockNumber().longValueExact() + 1);
        devnet.mine(1);
        while (indexer.runOnce() != ChainIndexer.Outcome.CAUGHT_UP) {
            // roll back, then read up to the head
        }

        assertThat(confirmation(tx)).isNull();
        assertThat(removed.removed)
                .anyMatch(e -> e.trade().entryTxHash().equals(tx)
                        && e.trade().confirmation().equals("confirmed"));
    }

    @Test
    void shouldNeverConfirmAReceiptsTradeOfABlockTheIndexerHasNotRead() {
        while (indexer.runOnce() != ChainIndexer.Outcome.CAUGHT_UP) {
            // read up to the head
        }
        devnet.mine(5); // the fill lands more than one window (2 blocks) above the cursor
        Account taker = devnet.takers().get(0);
        TransactionReceipt receipt = ChainIndexerIT.fill(devnet, taker, REFERRER);
        String tx = receipt.getTransactionHash().toLowerCase(Locale.ROOT);
        post("/nuts/fills", "{\"txHash\":\"" + tx + "\"}");
        awaitState(tx, "recorded");
        devnet.mine(20); // far deeper than the confirmation depth, but the indexer has not read the block

        assertThat(indexer.runOnce()).isEqualTo(ChainIndexer.Outcome.PROGRESSED); // one window of 2 blocks
        assertThat(confirmation(tx)).isEqualTo("seen");
        assertThat(indexer.status().indexedBlock())
                .isLessThan(receipt.getBlockNumber().longValueExact());
    }

    private String confirmation(String tx) {
        return jdbc.sql("SELECT confirmation FROM trades WHERE entry_tx_hash = :tx")
                .param("tx", tx)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    @Test
    void shouldEndATransactionThatIsNotAFillWithAnErrorTheClientCanShow() {
        Account taker = devnet.takers().get(1);
        String tx = devnet.approve(taker, devnet.usdc(), devnet.optionBook(), BigInteger.TEN)
                .getTransactionHash()
                .toLowerCase(Locale.ROOT);

        assertThat(post("/nuts/fills", "{\"txHash\":\"" + tx + "\"}").statusCode())
                .isEqualTo(200);

        JsonNode fill = awaitState(tx, "failed");
        assertThat(fill.path("error").asString()).contains("no OrderFilled");
        assertThat(fill.path("trades")).isEmpty();
    }

    @Test
    void shouldKeepOneEntryWhenTheSameTransactionIsSubmittedTwice() {
        Account taker = devnet.takers().get(0);
        String tx = ChainIndexerIT.fill(devnet, taker, REFERRER)
                .getTransactionHash()
                .toLowerCase(Locale.ROOT);

        post("/nuts/fills", "{\"txHash\":\"" + tx + "\"}");
        awaitState(tx, "recorded");
        HttpResponse<String> again = post("/nuts/fills", "{\"txHash\":\"" + tx.toUpperCase(Locale.ROOT) + "\"}");

        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(body(again).path("data").path("state").asString()).isEqualTo("recorded");
        assertThat(jdbc.sql("SELECT count(*) FROM fill_submissions WHERE tx_hash = :tx")
                        .param("tx", tx)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM trades WHERE entry_tx_hash = :tx")
                        .param("tx", tx)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(events.recorded)
                .filteredOn(e -> e.trade().entryTxHash().equals(tx))
                .hasSize(1);
    }

    @Test
    void shouldRefuseAMalformedHashNamingTheFieldAndAnswerUnknownHashesNotFound() {
        for (String bad : List.of("\"0x12\"", "\"" + "ab".repeat(32) + "\"", "null", "\"0x" + "zz".repeat(32) + "\"")) {
            HttpResponse<String> response = post("/nuts/fills", "{\"txHash\":" + bad + "}");
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(body(response).path("error").path("message").asString()).contains("txHash");
        }
        HttpResponse<String> badPath = get("/nuts/fills/0x12");
        assertThat(badPath.statusCode()).isEqualTo(400);
        assertThat(body(badPath).path("error").path("message").asString()).contains("txHash");
        HttpResponse<String> unknown = get("/nuts/fills/0x" + "ab".repeat(32));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(errorCode(unknown)).isEqualTo("FILL_NOT_FOUND");
    }

    private JsonNode awaitState(String tx, String state) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> response = get("/nuts/fills/" + tx);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            found[0] = body(response).path("data");
            assertThat(found[0].path("state").asString()).isEqualTo(state);
        });
        return found[0];
    }
}
