package io.nutsgate.trades;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.optionmath.Side;
import io.nutsgate.support.PersistenceTest;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
 *
 * <p>The chain's payout is also checked against our own optionmath at the settlement price
 * ({@code nuts_lifecycle_payout_mismatch_total}), on a fill recorded as the chain indexer records it: ETH CALL_SPREAD
 * 2500/2700 × 10 contracts (10000000), collateral 2000 USDC (2000000000), premium 421.5 USDC (421500000), settled at
 * 2613.45, where optionmath's payout is (2613.45 − 2500) × 10 = 1134.5 USDC (1134500000).
 */
@ExtendWith(OutputCaptureExtension.class)
class SettlementComparisonIT extends PersistenceTest {

    static final String SPREAD = "0x" + "5d".repeat(20);
    static final String BUYER = "0x" + "b7".repeat(20);
    static final String SPREAD_ENTRY = "0x" + "e5".repeat(32);
    static final BigInteger SETTLEMENT_PRICE = new BigInteger("261345000000");

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

    /**
     * The chain pays one base unit more than optionmath's 1134500000: counted once and logged, and the trade shows the
     * chain's figures: payout 1134500001, seller back 2000000000 − 1134500001 = 865499999, buyer P&L 1134500001 −
     * 421500000 = 713000001.
     */
    @Test
    void shouldCountAndLogAChainPayoutThatIsNotOptionmathsAndKeepTheChainsAmount(CapturedOutput output) {
        double before = payoutMismatches();
        recordSpreadFill();

        settleSpread(BigInteger.valueOf(1_134_500_001L), BigInteger.valueOf(865_499_999L));

        assertThat(payoutMismatches() - before).isEqualTo(1.0);
        assertThat(output.getOut())
                .contains("option " + SPREAD + " paid 1134500001 at settlement price 261345000000, optionmath says"
                        + " 1134500000 (difference 1)");
        JsonNode trade = trade(BUYER, SPREAD);
        assertThat(trade.path("status").asString()).isEqualTo("SETTLED");
        assertThat(trade.path("payout").path("raw").asString()).isEqualTo("1134500001");
        assertThat(trade.path("collateralReturned").path("raw").asString()).isEqualTo("865499999");
        assertThat(trade.path("pnl").path("raw").asString()).isEqualTo("713000001");

        // the same settlement read again (the indexer's next pass): not counted twice
        settleSpread(BigInteger.valueOf(1_134_500_001L), BigInteger.valueOf(865_499_999L));
        assertThat(payoutMismatches() - before).isEqualTo(1.0);
    }

    /** The chain pays optionmath's 1134500000: nothing counted; buyer P&L 1134500000 − 421500000 = 713000000. */
    @Test
    void shouldNotCountAChainPayoutEqualToOptionmaths() {
        double before = payoutMismatches();
        recordSpreadFill();

        settleSpread(BigInteger.valueOf(1_134_500_000L), BigInteger.valueOf(865_500_000L));

        JsonNode trade = trade(BUYER, SPREAD);
        assertThat(trade.path("status").asString()).isEqualTo("SETTLED");
        assertThat(trade.path("payout").path("raw").asString()).isEqualTo("1134500000");
        assertThat(trade.path("pnl").path("raw").asString()).isEqualTo("713000000");
        assertThat(payoutMismatches() - before).isEqualTo(0.0);
    }

    /** The buyer's side of the spread's fill, as the chain indexer records it (expired at the pinned clock). */
    private void recordSpreadFill() {
        ChainTrades.ChainTrade fill = new ChainTrades.ChainTrade(
                SPREAD_ENTRY,
                100,
                SPREAD,
                BUYER,
                Side.BUYER,
                "ETH",
                "CALL_SPREAD",
                true,
                List.of(new BigInteger("250000000000"), new BigInteger("270000000000")),
                clock.instant().minusSeconds(60),
                "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
                "USDC",
                6,
                BigInteger.valueOf(421_500_000L),
                BigInteger.valueOf(25_000_000L),
                BigInteger.valueOf(12_500_000L),
                BigInteger.valueOf(10_000_000L),
                BigInteger.valueOf(2_000_000_000L),
                REFERRER,
                clock.instant().minusSeconds(3600),
                true);
        transaction.execute(tx -> chainTrades.record(List.of(fill), clock.instant()));
    }

    /** The spread's OptionExpired at 2613.45 with the chain's payout and collateral returned, applied as the reader does. */
    private void settleSpread(BigInteger payout, BigInteger returned) {
        OptionLife life = new OptionLife(
                SPREAD,
                OptionLife.End.SETTLED,
                SETTLEMENT_PRICE,
                payout,
                returned,
                "0x" + "5f".repeat(32),
                120L,
                clock.instant().minusSeconds(30),
                List.of());
        transaction.execute(tx -> chainTrades.applyLifecycles(List.of(life), Long.MAX_VALUE, clock.instant()));
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
        return trade(USER, OPTION);
    }

    private JsonNode trade(String wallet, String option) {
        JsonNode trades = body(get("/nuts/users/" + wallet + "/trades?limit=100"))
                .path("data")
                .path("trades");
        return StreamSupport.stream(trades.spliterator(), false)
                .filter(t -> t.path("optionAddress").asString().equalsIgnoreCase(option))
                .findFirst()
                .orElseThrow();
    }

    private double payoutMismatches() {
        var counter = meters.find("nuts.lifecycle.payout.mismatch").counter();
        return counter == null ? 0 : counter.count();
    }

    private double mismatches() {
        var counter = meters.find("nuts.settlement.mismatch").counter();
        return counter == null ? 0 : counter.count();
    }
}
