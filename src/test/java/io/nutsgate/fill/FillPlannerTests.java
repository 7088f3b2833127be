package io.nutsgate.fill;

import static io.nutsgate.fill.FillCalldataTests.REFERRER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.orders.LiveOrder;
import io.nutsgate.orders.OrderBook;
import io.nutsgate.protocol.Deployments;
import io.nutsgate.protocol.Platform;
import io.nutsgate.protocol.Product;
import io.nutsgate.support.TestProperties;
import io.nutsgate.support.Vectors;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Sizing and refusals of fill plans over the fixture orders, with the clock pinned near the fixtures' time. */
class FillPlannerTests {

    /** 65 s before the fixture quotes expire (1780480855): fillable under the 60 s margin. */
    static final Instant FILLABLE = Instant.ofEpochSecond(1780480790L);

    static final Instant FIXTURE_NOW = Instant.ofEpochSecond(1780480800L);

    private final OrderBook book = mock(OrderBook.class);
    private final List<LiveOrder> fixtures = FixtureOrders.all();

    private FillPlanner planner(Instant now, Optional<String> referrer) {
        return new FillPlanner(
                book,
                new Platform(Deployments.R12, referrer),
                Clock.fixed(now, ZoneOffset.UTC),
                TestProperties.with(Map.of("fill.referrer-fee-split-bps", "5000")),
                mock(io.nutsgate.capacity.LiveCapacity.class), // no chain: empty amounts, the signed budget
                skippedSimulation());
    }

    private static io.nutsgate.fill.FillSimulation skippedSimulation() {
        io.nutsgate.fill.FillSimulation simulation = mock(io.nutsgate.fill.FillSimulation.class);
        when(simulation.simulate(
                        org.mockito.ArgumentMatchers.any(),
                        org.mockito.ArgumentMatchers.any(),
                        org.mockito.ArgumentMatchers.any(),
                        org.mockito.ArgumentMatchers.any(),
                        org.mockito.ArgumentMatchers.any()))
                .thenReturn(io.nutsgate.fill.FillSimulation.Result.skippedResult());
        return simulation;
    }

    private FillPlanner planner() {
        return planner(FILLABLE, Optional.of(REFERRER));
    }

    private LiveOrder serve(LiveOrder order) {
        when(book.find(order.id())).thenReturn(Optional.of(order));
        return order;
    }

    private static FillPlanRequest usdc(String amount) {
        return new FillPlanRequest(amount, null, null);
    }

    private static FillPlanRequest contracts(String n) {
        return new FillPlanRequest(null, n, null);
    }

    private static void assertRefused(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }

    @Test
    void shouldSizeABudgetLikeTheWorkedExample() {
        LiveOrder spread = serve(fixtures.get(0));

        FillPlanView plan = planner().plan(spread.id(), usdc("1000"));

        // REFERENCE §3.5 row 1
        assertThat(plan.numContracts().raw()).isEqualTo("23724792");
        assertThat(plan.numContracts().value()).isEqualTo("23.724792");
        assertThat(plan.premium().raw()).isEqualTo("999999982");
        assertThat(plan.estimatedFee().raw()).isEqualTo("34880711");
        assertThat(plan.collateral().value()).isEqualTo("4744.9584");
        assertThat(plan.maxContracts().value()).isEqualTo("100");
        assertThat(plan.capped()).isFalse();
        assertThat(plan.takerSide()).isEqualTo("BUY");
        assertThat(plan.referrer()).isEqualTo(REFERRER);
        // with a 50 % split the referrer accrues 17.440355 USDC (REFERENCE §3.5)
        assertThat(plan.estimatedReferrerFee().value()).isEqualTo("17.440355");
        assertThat(plan.approval().token()).isEqualTo(spread.collateral().address());
        assertThat(plan.approval().spender()).isEqualTo("0x1bDff855d6811728acaDC00989e79143a2bdfDed");
        assertThat(plan.approval().amount().raw()).isEqualTo("999999982");
        assertThat(plan.transactions()).extracting(FillPlanView.Tx::kind).containsExactly("approve", "fillOrder");
        assertThat(plan.transactions()).extracting(FillPlanView.Tx::value).containsOnly("0");
        assertThat(plan.transactions().get(0).to())
                .isEqualTo(spread.collateral().address());
        assertThat(plan.transactions().get(0).data())
                .isEqualTo(Vectors.load("calldata.json")
                        .get("approve")
                        .get(0)
                        .get("calldata")
                        .asString());
        assertThat(plan.transactions().get(1).data())
                .isEqualTo(Vectors.load("calldata.json")
                        .get("fillOrder")
                        .get(0)
                        .get("calldata")
                        .asString());
        assertThat(plan.transactions().get(1).to()).isEqualTo(spread.optionBook());
        FillCalldataTests.assertMatchesFeedOrder(
                FillCalldataTests.decodeFill(plan.transactions().get(1).data()),
                FixtureOrders.signed(0),
                new BigInteger("23724792"),
                REFERRER);
    }

    @Test
    void shouldCapABudgetAtTheOrdersCapacity() {
        LiveOrder fly = serve(fixtures.get(1));

        // 10,000 USDC at 612.40 would buy 16.3 contracts; 30,000 USDC of collateral backs 10
        FillPlanView plan = planner().plan(fly.id(), usdc("10000"));

        assertThat(plan.capped()).isTrue();
        assertThat(plan.numContracts().value()).isEqualTo("10");
        assertThat(plan.premium().value()).isEqualTo("6124");
        assertThat(plan.collateral().value()).isEqualTo("30000");
    }

    @Test
    void shouldFillExactlyTheCapacityButRefuseMore() {
        LiveOrder condor = serve(fixtures.get(2));

        assertThat(planner().plan(condor.id(), contracts("150")).numContracts().value())
                .isEqualTo("150");
        assertRefused(ErrorCode.AMOUNT_EXCEEDS_CAPACITY, () -> planner().plan(condor.id(), contracts("150.000001")));
    }

    @Test
    void shouldRefuseAmountsThatBuyNoContract() {
        LiveOrder spread = serve(fixtures.get(0));

        assertRefused(ErrorCode.AMOUNT_TOO_SMALL, () -> planner().plan(spread.id(), usdc("0.000001")));
        assertRefused(ErrorCode.AMOUNT_TOO_SMALL, () -> planner().plan(spread.id(), contracts("0")));
        assertRefused(ErrorCode.INVALID_AMOUNT, () -> planner().plan(spread.id(), usdc("1.0000001")));
        assertRefused(ErrorCode.INVALID_BODY, () -> planner().plan(spread.id(), new FillPlanRequest("1", "1", null)));
        assertRefused(ErrorCode.INVALID_BODY, () -> planner().plan(spread.id(), new FillPlanRequest(null, null, null)));
        assertRefused(
                ErrorCode.INVALID_ADDRESS, () -> planner().plan(spread.id(), new FillPlanRequest("1", null, "0x12")));
    }

    @Test
    void shouldRefuseQuotesThatExpireWithinAMinute() {
        LiveOrder spread = serve(fixtures.get(0));

        // at the fixtures' "now" the quotes have 55 s left
        assertRefused(ErrorCode.ORDER_EXPIRED, () -> planner(FIXTURE_NOW, Optional.of(REFERRER))
                .plan(spread.id(), usdc("1000")));
        assertRefused(ErrorCode.ORDER_EXPIRED, () -> planner(Instant.ofEpochSecond(1780480855L), Optional.of(REFERRER))
                .plan(spread.id(), usdc("1000")));
        assertThat(planner(Instant.ofEpochSecond(1780480794L), Optional.of(REFERRER))
                        .plan(spread.id(), usdc("1000"))
                        .numContracts()
                        .raw())
                .isEqualTo("23724792");
    }

    @Test
    void shouldRefuseAnOptionPastExpiry() {
        LiveOrder expired = serve(OrderCopy.of(fixtures.get(0))
                .orderExpiryTimestamp(FILLABLE.getEpochSecond() + 600)
                .expiry(FILLABLE.getEpochSecond())
                .build());

        assertRefused(ErrorCode.ORDER_EXPIRED, () -> planner().plan(expired.id(), usdc("1000")));
    }

    @Test
    void shouldRefuseUnknownOrdersAndMissingReferrer() {
        when(book.find(anyString())).thenReturn(Optional.empty());
        String id = "0x" + "ab".repeat(32);

        assertRefused(ErrorCode.ORDER_NOT_FOUND, () -> planner().plan(id, usdc("1000")));
        assertRefused(ErrorCode.INVALID_PARAMETER, () -> planner().plan("0x1234", usdc("1000")));
        assertRefused(ErrorCode.REFERRER_NOT_CONFIGURED, () -> planner(FILLABLE, Optional.empty())
                .plan(fixtures.get(0).id(), usdc("1000")));
    }

    @Test
    void shouldRefuseAnImplementationOutsideTheDeployment() {
        LiveOrder stranger = serve(OrderCopy.of(fixtures.get(0))
                .product(Product.CALL_SPREAD, "0x000000000000000000000000000000000000dead")
                .build());

        assertRefused(ErrorCode.UNKNOWN_IMPLEMENTATION, () -> planner().plan(stranger.id(), usdc("1000")));
    }

    @Test
    void shouldRefuseRangerOrdersWhoseCollateralIsUnknown() {
        LiveOrder ranger = serve(OrderCopy.of(fixtures.get(2))
                .product(Product.RANGER, "0x9980ec85bc6fE07340adb36c76FA093bb6D4FcBc")
                .build());

        assertRefused(ErrorCode.PRODUCT_UNSUPPORTED, () -> planner().plan(ranger.id(), usdc("500")));
    }

    @Test
    void shouldLeaveTheFeeOutWhenTheSpotIsUnknown() {
        LiveOrder noSpot = serve(OrderCopy.of(fixtures.get(0)).spotPrice(null).build());

        FillPlanView plan = planner().plan(noSpot.id(), usdc("1000"));

        assertThat(plan.estimatedFee()).isNull();
        assertThat(plan.premium().raw()).isEqualTo("999999982");
    }

    @Test
    void shouldApproveCollateralWhenTheTakerSells() {
        // maker buys (isLong): its 20,000 USDC budget pays premium, 474.495848 contracts at 42.15
        LiveOrder makerBuys = serve(OrderCopy.of(fixtures.get(0)).isLong(true).build());

        FillPlanView plan = planner()
                .plan(makerBuys.id(), new FillPlanRequest("1000", null, "0x5A0b54D5dc17e0AadC383d2db43B0a0D3E029c4c"));

        // the taker's 1,000 USDC posts collateral at 200 a contract
        assertThat(plan.takerSide()).isEqualTo("SELL");
        assertThat(plan.maxContracts().value()).isEqualTo("474.495848");
        assertThat(plan.numContracts().value()).isEqualTo("5");
        assertThat(plan.collateral().value()).isEqualTo("1000");
        assertThat(plan.approval().amount().value()).isEqualTo("1000");
        assertThat(plan.premium().value()).isEqualTo("210.75");
        assertThat(plan.transactions())
                .extracting(FillPlanView.Tx::from)
                .containsOnly("0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c");
        assertThat(FillCalldataTests.decodeFill(plan.transactions().get(1).data())
                        .isLong())
                .isTrue();
    }
}
