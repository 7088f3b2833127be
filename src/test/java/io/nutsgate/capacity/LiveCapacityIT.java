package io.nutsgate.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.fill.FillSimulation;
import io.nutsgate.protocol.Platform;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.rpc.ChainAccess;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.Devnet.Order;
import io.nutsgate.support.SignedQuote;
import io.nutsgate.support.TestProperties;
import io.nutsgate.support.TestRetries;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;

/**
 * Live capacity and fill simulation against the devnet: {@code amountFilled} read in the background drops by the
 * collateral a fill locked (REFERENCE §3.5 row 1: 4,744.9584 USDC); a fill beyond the remaining budget simulates to
 * the book's own revert reason; a fill within it simulates fine although the taker has not approved yet.
 */
class LiveCapacityIT {

    static final BigInteger BUDGET = BigInteger.valueOf(10_000_000_000L); // 10,000 USDC

    static Devnet devnet;
    static ChainAccess chain;

    @BeforeAll
    static void start() {
        devnet = Devnet.start();
        var properties = TestProperties.with(Map.of("chain.rpc-url", devnet.rpcUrl(), "chain.capacity-refresh", "0s"));
        chain = chain(properties);
    }

    @AfterAll
    static void stop() {
        if (chain != null) {
            chain.destroy();
        }
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    void shouldReadRemainingCapacityDropAfterAFillAndSimulateAnOverCapacityFillToItsRevertReason() {
        var properties = TestProperties.with(Map.of("chain.rpc-url", devnet.rpcUrl(), "chain.capacity-refresh", "0s"));
        LiveCapacity capacity = new LiveCapacity(chain, properties, Clock.systemUTC(), new SimpleMeterRegistry());
        FillSimulation simulation = new FillSimulation(chain);
        Account taker = devnet.takers().get(0);
        SignedQuote quote = SignedQuote.referenceSpread(devnet, BUDGET);
        String signature = quote.signature();
        String nonce = devnet.computeNonce(quote.order()).toString();

        // read in the background: the first request starts the read and gets nothing yet (the signed budget)
        assertThat(capacity.amountFilled(devnet.optionBook(), List.of(nonce))).isEmpty();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(capacity.amountFilled(devnet.optionBook(), List.of(nonce)))
                        .hasValueSatisfying(s -> assertThat(s.amountFilled()).containsEntry(nonce, BigInteger.ZERO)));

        // within the budget, not yet approved: the simulation passes (approval assumed), the plan says approve first
        Order fits = quote.filling(Devnet.REFERENCE_CONTRACTS);
        BigInteger premium = Devnet.REFERENCE_PREMIUM;
        FillSimulation.Result ok = simulation.simulate(
                taker.address(), devnet.usdc(), devnet.optionBook(), premium, data(fits, signature));
        assertThat(ok.ok()).as(String.valueOf(ok.revertReason())).isTrue();
        assertThat(ok.approvalNeeded()).isTrue();
        assertThat(ok.balanceSufficient()).isTrue();

        devnet.approve(taker, devnet.usdc(), devnet.optionBook(), premium);
        assertThat(devnet.fillOrder(taker, fits, signature, null).isStatusOK()).isTrue();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(capacity.amountFilled(devnet.optionBook(), List.of(nonce)))
                        .hasValueSatisfying(
                                s -> assertThat(s.amountFilled()).containsEntry(nonce, Devnet.REFERENCE_COLLATERAL)));

        // 2 × 23.724792 contracts lock 9,489.9168 USDC: more than the 5,255.0416 left
        Order tooMuch = quote.filling(Devnet.REFERENCE_CONTRACTS.multiply(BigInteger.TWO));
        FillSimulation.Result refused = simulation.simulate(
                taker.address(),
                devnet.usdc(),
                devnet.optionBook(),
                premium.multiply(BigInteger.TWO),
                data(tooMuch, signature));
        assertThat(refused.ok()).isFalse();
        assertThat(refused.revertReason()).contains("Exceeds max collateral");
        assertThat(devnet.fillOrderRevertReason(taker, tooMuch, signature, null))
                .isPresent();
    }

    @Test
    void shouldSayTheSimulationWasSkippedWithoutAnRpcUrl() {
        ChainAccess off = chain(TestProperties.with(Map.of()));
        assertThat(new FillSimulation(off)
                        .simulate("0x1", "0x2", "0x3", BigInteger.ONE, "0x")
                        .skipped())
                .isTrue();
        assertThat(new LiveCapacity(off, TestProperties.with(Map.of()), Clock.systemUTC(), new SimpleMeterRegistry())
                        .amountFilled("0x3", List.of("1")))
                .isEmpty();
    }

    /** The chain access the application would make with {@code properties}, on the devnet's deployment. */
    static ChainAccess chain(NutsProperties properties) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        return new ChainAccess(
                properties,
                new Platform(devnet.deployment(), Optional.empty()),
                new CircuitBreakers(meters),
                TestRetries.inCallersThread(meters),
                ObservationRegistry.NOOP);
    }

    static String data(Order order, String signature) {
        return FunctionEncoder.encode(Devnet.fillOrderFunction(order, signature, null));
    }
}
