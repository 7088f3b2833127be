package io.nutsgate.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.SignedQuote;
import io.nutsgate.support.UniqueContext;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The orders API over HTTP against the devnet: an order signed on the devnet is served by a local feed stand-in;
 * {@code /nuts/orders} shows its remaining collateral drop by what a fill locked (REFERENCE §3.5 row 1: 23.724792
 * contracts of the ETH 2500/2700 call spread lock 4,744.9584 USDC), and a fill plan with a taker simulates a fill
 * within the budget as ok and refuses one beyond it with the OptionBook's own revert reason (read by the test with
 * its own {@code eth_call}).
 */
@UniqueContext
class OrdersOnDevnetIT extends ServiceTest {

    static final BigInteger BUDGET = BigInteger.valueOf(10_000_000_000L); // 10,000 USDC
    static final BigInteger N = Devnet.REFERENCE_CONTRACTS;
    static final BigInteger PREMIUM = Devnet.REFERENCE_PREMIUM;

    static Devnet devnet;

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        devnet = Devnet.sharedWithReferrer(REFERRER);
        registry.add("nuts.deployment-file", () -> devnet.deploymentFile().toString());
        registry.add("nuts.chain.rpc-url", devnet::rpcUrl);
        registry.add("nuts.chain.indexer-enabled", () -> "false");
        registry.add("nuts.chain.capacity-refresh", () -> "0s");
        registry.add("nuts.trades.scheduled-sync", () -> "false");
    }

    // The feed stand-in is shared by every test class: start from a clean one (no fault another class left set).
    @BeforeEach
    @AfterEach
    void resetFeed() {
        upstream.reset();
    }

    @Test
    void shouldShowRemainingCapacityDropAfterAFillAndSimulateFillPlansOnChain() {
        SignedQuote quote = SignedQuote.referenceSpread(devnet, BUDGET);
        String signature = quote.signature();
        String id = quote.id();
        devnet.serveFeed(upstream, quote.order(), signature, true);
        clock.set(Instant.ofEpochSecond(devnet.latestBlockTimestamp()));

        // amountFilled is read in the background: the first answers may still show the signed budget
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listed(id)
                        .path("capacity")
                        .path("remainingCollateral")
                        .path("raw")
                        .asString())
                .isEqualTo(BUDGET.toString()));

        Account filler = devnet.takers().get(0);
        devnet.approve(filler, devnet.usdc(), devnet.optionBook(), PREMIUM);
        assertThat(devnet.fillOrder(filler, quote.filling(N), signature, REFERRER)
                        .isStatusOK())
                .isTrue();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listed(id)
                        .path("capacity")
                        .path("remainingCollateral")
                        .path("raw")
                        .asString())
                .isEqualTo(BUDGET.subtract(Devnet.REFERENCE_COLLATERAL).toString())); // 5,255.0416 USDC
        JsonNode after = listed(id);
        assertThat(after.path("capacity").path("source").asString()).isEqualTo("chain");
        assertThat(after.path("capacity")
                        .path("remainingCollateral")
                        .path("value")
                        .asString())
                .isEqualTo("5255.0416");

        // within what is left, from a taker who has not approved: ok, approve first
        Account taker = devnet.takers().get(1);
        HttpResponse<String> fits = post(
                "/nuts/orders/" + id + "/fill-plan",
                "{\"numContracts\":\"23.724792\",\"taker\":\"" + taker.address().toLowerCase(Locale.ROOT) + "\"}");
        assertThat(fits.statusCode()).as(fits.body()).isEqualTo(200);
        JsonNode plan = body(fits).path("data");
        assertThat(plan.path("simulation").path("ok").asBoolean()).isTrue();
        assertThat(plan.path("simulation").path("skipped").asBoolean()).isFalse();
        assertThat(plan.path("taker").path("approvalNeeded").asBoolean()).isTrue();
        assertThat(plan.path("taker").path("balanceSufficient").asBoolean()).isTrue();
        assertThat(plan.path("premium").path("raw").asString()).isEqualTo(PREMIUM.toString());

        // 2 × 23.724792 contracts lock 9,489.9168 USDC: more than is left; the book's own reason
        devnet.approve(taker, devnet.usdc(), devnet.optionBook(), PREMIUM.multiply(BigInteger.TWO));
        String reason = devnet.fillOrderRevertReason(
                        taker, quote.filling(N.multiply(BigInteger.TWO)), signature, REFERRER)
                .orElseThrow();
        HttpResponse<String> tooMuch = post(
                "/nuts/orders/" + id + "/fill-plan",
                "{\"numContracts\":\"47.449584\",\"taker\":\"" + taker.address() + "\"}");
        assertThat(tooMuch.statusCode()).as(tooMuch.body()).isEqualTo(422);
        assertThat(errorCode(tooMuch)).isEqualTo("AMOUNT_EXCEEDS_CAPACITY");
        assertThat(body(tooMuch).path("error").path("message").asString())
                .contains("numContracts")
                .contains("the OptionBook reverts: ")
                .contains(reason);
    }

    private JsonNode listed(String id) {
        HttpResponse<String> response = get("/nuts/orders");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode o : body(response).path("data").path("orders")) {
            if (o.path("id").asString().equalsIgnoreCase(id)) {
                return o;
            }
        }
        throw new AssertionError("order " + id + " not listed: " + response.body());
    }
}
