package io.nutsgate.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.ApiShapes;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.UniqueContext;
import io.nutsgate.trades.TradeRecordedEvent;
import io.nutsgate.trades.TradeRemovedEvent;
import java.math.BigInteger;
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
 * Our chain indexer against the devnet: fills signed in Java and sent by a taker with our referrer become trades with
 * the exact premium, fee and referral fee of REFERENCE §3.5 (hand-computed there), seen then confirmed; the referral
 * revenue adds up and matches {@code fees(token, referrer)}; a reorg rolls the trade back and the re-mined fill is
 * read again.
 */
@Import(ChainIndexerIT.Events.class)
@UniqueContext
public class ChainIndexerIT extends ServiceTest {

    // REFERENCE §3.5, first row: ETH CALL_SPREAD 2500/2700 at 42.15, N = 23.724792, ETH spot 2450.37, 50 % split
    static final BigInteger N = Devnet.REFERENCE_CONTRACTS;
    public static final BigInteger PREMIUM = Devnet.REFERENCE_PREMIUM;
    public static final BigInteger FEE = BigInteger.valueOf(34_880_711);
    public static final BigInteger REFERRAL_FEE = BigInteger.valueOf(17_440_355);
    public static final BigInteger COLLATERAL = BigInteger.valueOf(4_744_958_400L);
    static final int CONFIRMATIONS = 3;

    static Devnet devnet;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Events events;

    @TestConfiguration(proxyBeanMethods = false)
    static class Events {
        final List<Object> seen = new CopyOnWriteArrayList<>();

        @EventListener
        void on(TradeRecordedEvent e) {
            seen.add(e);
        }

        @EventListener
        void on(TradeRemovedEvent e) {
            seen.add(e);
        }
    }

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        devnet = Devnet.start(REFERRER);
        devnet.serveFromChain(registry);
        registry.add("nuts.chain.confirmations", () -> String.valueOf(CONFIRMATIONS));
        registry.add("nuts.chain.poll-interval", () -> "200ms");
    }

    @AfterAll
    static void stopDevnet() {
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    void shouldRecordAFillWithOurReferrerAsTheTakersTradeWithExactAmountsSeenThenConfirmed() {
        Account taker = devnet.takers().get(0);
        TransactionReceipt receipt = fill(taker, REFERRER);
        String tx = receipt.getTransactionHash().toLowerCase(Locale.ROOT);

        JsonNode trade = awaitTrade(taker.address(), tx, "seen", "confirmed");
        assertThat(trade.path("side").asString()).isEqualTo("BUYER");
        assertThat(trade.path("product").asString()).isEqualTo("CALL_SPREAD");
        assertThat(trade.path("underlying").asString()).isEqualTo("ETH");
        assertThat(trade.path("isCall").asBoolean()).isTrue();
        assertThat(trade.path("premium").path("raw").asString()).isEqualTo(PREMIUM.toString());
        assertThat(trade.path("premium").path("value").asString()).isEqualTo("999.999982");
        assertThat(trade.path("fee").path("raw").asString()).isEqualTo(FEE.toString());
        assertThat(trade.path("referralFee").path("raw").asString()).isEqualTo(REFERRAL_FEE.toString());
        assertThat(trade.path("contracts").path("raw").asString()).isEqualTo(N.toString());
        assertThat(trade.path("collateralAmount").path("raw").asString()).isEqualTo(COLLATERAL.toString());
        assertThat(trade.path("strikes").get(0).path("value").asString()).isEqualTo("2500");
        assertThat(trade.path("strikes").get(1).path("value").asString()).isEqualTo("2700");
        assertThat(trade.path("referrer").asString()).isEqualToIgnoringCase(REFERRER);
        assertThat(trade.path("collateral").path("symbol").asString()).isEqualTo("USDC");

        // confirmed once CONFIRMATIONS blocks are on top
        awaitTrade(taker.address(), tx, "confirmed");
        assertThat(events.seen)
                .filteredOn(e -> e instanceof TradeRecordedEvent r
                        && r.trade().entryTxHash().equals(tx)
                        && r.confirmation().equals("confirmed"))
                .hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM chain_fills WHERE tx_hash = :tx")
                        .param("tx", tx)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void shouldStoreFillsOfOtherReferrersWithoutMakingTrades() {
        Account taker = devnet.takers().get(1);
        String tx = fill(taker, OTHER_REFERRER).getTransactionHash().toLowerCase(Locale.ROOT);

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(jdbc.sql("SELECT count(*) FROM chain_fills WHERE tx_hash = :tx")
                                .param("tx", tx)
                                .query(Long.class)
                                .single())
                        .isEqualTo(1));
        assertThat(trades(taker.address()))
                .noneMatch(t -> t.path("entryTxHash").asString().equals(tx));
    }

    @Test
    void shouldSumReferralRevenueFromTheEventsAndMatchTheClaimableBalanceOnChain() {
        Account taker = devnet.takers().get(0);
        String tx = fill(taker, REFERRER).getTransactionHash().toLowerCase(Locale.ROOT);
        awaitTrade(taker.address(), tx, "seen", "confirmed");

        JsonNode data = body(get("/nuts/referrer/revenue")).path("data");
        JsonNode usdc = null;
        for (JsonNode t : data.path("tokens")) {
            if (t.path("token").path("symbol").asString().equals("USDC")) {
                usdc = t;
            }
        }
        assertThat(usdc).isNotNull();
        long fills = jdbc.sql("SELECT count(*) FROM chain_fills WHERE referrer = :r")
                .param("r", REFERRER)
                .query(Long.class)
                .single();
        assertThat(usdc.path("fills").asLong()).isEqualTo(fills);
        BigInteger expected = REFERRAL_FEE.multiply(BigInteger.valueOf(fills));
        assertThat(usdc.path("earned").path("raw").asString()).isEqualTo(expected.toString());
        // nobody claimed: what accrued on chain is what the events add up to
        BigInteger onChain = devnet.uint(
                devnet.optionBook(),
                "fees",
                new org.web3j.abi.datatypes.Address(devnet.usdc()),
                new org.web3j.abi.datatypes.Address(REFERRER));
        assertThat(usdc.path("claimable").path("raw").asString()).isEqualTo(onChain.toString());
        assertThat(onChain).isEqualTo(expected);
        assertThat(usdc.path("daily")).hasSize(1);
        assertThat(usdc.path("claimTransaction").path("to").asString()).isEqualTo(devnet.optionBook());
        assertThat(usdc.path("claimTransaction").path("data").asString())
                .isEqualTo("0x15a0ea6a000000000000000000000000"
                        + devnet.usdc().substring(2).toLowerCase(Locale.ROOT));
    }

    @Test
    void shouldRollBackATradeWhoseBlockAReorgTookAway() throws Exception {
        Account taker = devnet.takers().get(0);
        TransactionReceipt receipt = fill(taker, REFERRER);
        String tx = receipt.getTransactionHash().toLowerCase(Locale.ROOT);
        awaitTrade(taker.address(), tx, "seen", "confirmed");

        // the fill's block and everything after it replaced by empty blocks
        devnet.reorg(devnet.head() - receipt.getBlockNumber().longValueExact() + 1);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(trades(taker.address()))
                .noneMatch(t -> t.path("entryTxHash").asString().equals(tx)));
        assertThat(events.seen)
                .anyMatch(e -> e instanceof TradeRemovedEvent r
                        && r.trade().entryTxHash().equals(tx));
        assertThat(jdbc.sql("SELECT count(*) FROM chain_fills WHERE tx_hash = :tx")
                        .param("tx", tx)
                        .query(Long.class)
                        .single())
                .isZero();

        // the chain goes on: a new fill after the reorg is read as usual
        String again = fill(taker, REFERRER).getTransactionHash().toLowerCase(Locale.ROOT);
        awaitTrade(taker.address(), again, "seen", "confirmed");
        assertThat(body(get("/nuts/indexer")).path("data").path("reorgs").asLong())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldAnswerTheChainEndpointsInTheApiConventions() {
        Account taker = devnet.takers().get(0);
        String tx = fill(taker, REFERRER).getTransactionHash().toLowerCase(Locale.ROOT);
        awaitTrade(taker.address(), tx, "seen", "confirmed");

        ApiShapes shapes = new ApiShapes();
        JsonNode revenue = body(get("/nuts/referrer/revenue"));
        JsonNode trades = body(get("/nuts/users/" + taker.address().toLowerCase(Locale.ROOT) + "/trades?limit=100"));
        shapes.walk("GET /nuts/indexer", body(get("/nuts/indexer")));
        shapes.walk("GET /nuts/referrer/revenue", revenue);
        shapes.walk("GET /nuts/users/{address}/trades", trades);

        assertThat(shapes.violations()).isEmpty();
        // earned, daily earned, claimable; a trade's strikes, premium, fee, contracts, collateral, referralFee
        assertThat(shapes.amounts()).isGreaterThanOrEqualTo(10);
        assertThat(shapes.addresses()).isGreaterThanOrEqualTo(5);
        assertThat(shapes.timestamps()).isGreaterThanOrEqualTo(3); // daily startsAt; the trade's expiry, createdAt
    }

    @Test
    void shouldReportIndexerProgress() {
        JsonNode status = body(get("/nuts/indexer")).path("data");
        assertThat(status.path("enabled").asBoolean()).isTrue();
        assertThat(status.path("chainId").asLong()).isEqualTo(8453);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode s = body(get("/nuts/indexer")).path("data");
            assertThat(s.path("leader").asBoolean()).isTrue();
            assertThat(s.path("lagBlocks").asLong()).isLessThanOrEqualTo(5);
        });
        assertThat(get("/actuator/prometheus", OPERATOR).body()).contains("nuts_indexer_indexed_block");
    }

    static TransactionReceipt fill(Account taker, String referrer) {
        return fill(devnet, taker, referrer);
    }

    public static TransactionReceipt fill(Devnet devnet, Account taker, String referrer) {
        return devnet.fillReferenceSpread(taker, referrer);
    }

    JsonNode awaitTrade(String wallet, String tx, String... confirmations) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            found[0] = trades(wallet).stream()
                    .filter(t -> t.path("entryTxHash").asString().equals(tx))
                    .findFirst()
                    .orElse(null);
            assertThat(found[0]).isNotNull();
            assertThat(found[0].path("confirmation").asString()).isIn((Object[]) confirmations);
        });
        return found[0];
    }

    List<JsonNode> trades(String wallet) {
        JsonNode items =
                body(get("/nuts/users/" + wallet + "/trades?limit=100")).path("data");
        JsonNode list = items.has("trades") ? items.path("trades") : items.path("items");
        List<JsonNode> out = new java.util.ArrayList<>();
        list.forEach(out::add);
        return out;
    }
}
