package io.nutsgate.trades;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.support.PersistenceTest;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * With {@code BASE_RPC_URL} set, the chain's settlement of a trade wins over the Thetanuts indexer's, and a
 * disagreement between the two is counted ({@code nuts_settlement_mismatch_total}) once. The indexer side is the
 * REFERENCE §10 fixture (ETH PUT_SPREAD 2300/2400 × 15.5 settled at 2342.18, payout 896.21 USDC); the chain side is
 * written here by hand: settled at 2345.00, so payout (2400 − 2345) × 15.5 = 852.5 USDC (852500000), seller back
 * 1550 − 852.5 = 697.5 USDC (697500000), buyer P&L 852500000 − 285975000 (fixture premium) = 566525000.
 */
class SettlementComparisonIT extends PersistenceTest {

    static final String OPTION = "0xd2fc61500f0566b5eb2c640f905d45ab6817f6ec";

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        // a node that does not answer: the chain counts as configured (its figures win), nothing reads it here
        registry.add("nuts.chain.rpc-url", () -> "http://127.0.0.1:9");
        registry.add("nuts.chain.indexer-enabled", () -> "false");
    }

    @Autowired
    TradeSync sync;

    @Autowired
    ChainTrades chainTrades;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    MeterRegistry meters;

    @Test
    void shouldKeepTheChainsSettlementAndCountTheIndexersDisagreementOnce() {
        double before = mismatches();
        syncUser();
        assertThat(trade().path("settlementPrice").path("raw").asString()).isEqualTo("234218000000");

        OptionLife chain = new OptionLife(
                OPTION,
                OptionLife.End.SETTLED,
                new BigInteger("234500000000"),
                BigInteger.valueOf(852_500_000L),
                BigInteger.valueOf(697_500_000L),
                "0x" + "5e".repeat(32),
                46_323_880L,
                Instant.ofEpochSecond(1_779_437_000L),
                List.of());
        List<Object> events =
                transaction.execute(tx -> chainTrades.applyLifecycles(List.of(chain), 0, clock.instant()));

        assertThat(events).anySatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(
                        TradeLifecycleEvent.class, l -> assertThat(l.change()).isEqualTo(TradeLifecycleEvent.SETTLED)));
        assertChainFigures(trade());
        assertThat(mismatches() - before).isEqualTo(1.0);

        // the indexer reports its figures again: the chain's stay, the disagreement is not counted twice
        syncUser();
        assertChainFigures(trade());
        assertThat(mismatches() - before).isEqualTo(1.0);
    }

    /** The sync of the fixture wallet, tried again when the fixture indexer is slower than 1 s on a loaded machine. */
    private void syncUser() {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .ignoreException(io.nutsgate.thetanuts.UpstreamException.class)
                .until(() -> sync.sync(USER) != null);
    }

    private static void assertChainFigures(JsonNode trade) {
        assertThat(trade.path("status").asString()).isEqualTo("SETTLED");
        assertThat(trade.path("settlementPrice").path("raw").asString()).isEqualTo("234500000000");
        assertThat(trade.path("payout").path("raw").asString()).isEqualTo("852500000");
        assertThat(trade.path("collateralReturned").path("raw").asString()).isEqualTo("697500000");
        assertThat(trade.path("pnl").path("raw").asString()).isEqualTo("566525000");
        assertThat(trade.path("outcome").asString()).isEqualTo("ITM");
    }

    private JsonNode trade() {
        JsonNode trades = body(get("/nuts/users/" + USER + "/trades?limit=100"))
                .path("data")
                .path("trades");
        return StreamSupport.stream(trades.spliterator(), false)
                .filter(t -> t.path("optionAddress").asString().equalsIgnoreCase(OPTION))
                .findFirst()
                .orElseThrow();
    }

    private double mismatches() {
        var counter = meters.find("nuts.settlement.mismatch").counter();
        return counter == null ? 0 : counter.count();
    }
}
