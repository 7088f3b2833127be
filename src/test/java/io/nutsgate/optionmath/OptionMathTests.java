package io.nutsgate.optionmath;

import static io.nutsgate.protocol.Product.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.Decimals;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Hand-checked payouts for every product, with the settlement price on each strike, plus the fixtures'
 * settled positions (REFERENCE §4.1, fixtures/history.json). Amounts are written in human units and converted
 * with {@link Decimals} so each expected value can be checked by hand.
 */
class OptionMathTests {

    static BigInteger usd(String value) {
        return Decimals.parse(value, 8, "usd");
    }

    static BigInteger usdc(String value) {
        return Decimals.parse(value, 6, "usdc");
    }

    static BigInteger weth(String value) {
        return Decimals.parse(value, 18, "weth");
    }

    static OptionStructure usdcPosition(Product product, String contracts, String... strikes) {
        return new OptionStructure(
                product, Arrays.stream(strikes).map(OptionMathTests::usd).toList(), usdc(contracts), 6);
    }

    static OptionStructure wethPosition(Product product, String contracts, String... strikes) {
        return new OptionStructure(
                product, Arrays.stream(strikes).map(OptionMathTests::usd).toList(), weth(contracts), 18);
    }

    /**
     * The hand-computed collateral, and settlement price (USD) → hand-computed buyer payout (raw units); the seller
     * must get exactly the hand-computed rest.
     */
    static void assertPayouts(OptionStructure position, BigInteger collateral, Map<String, BigInteger> expected) {
        assertThat(OptionMath.collateral(position)).as("collateral").isEqualTo(collateral);
        expected.forEach((price, payout) -> {
            Settlement settlement = OptionMath.settle(position, usd(price));
            assertThat(settlement.buyerPayout()).as("payout at S=%s", price).isEqualTo(payout);
            assertThat(settlement.sellerReturn())
                    .as("seller return at S=%s", price)
                    .isEqualTo(collateral.subtract(payout));
            assertThat(settlement.collateral()).isEqualTo(collateral);
        });
    }

    static Map<String, BigInteger> payouts(Object... priceThenPayout) {
        Map<String, BigInteger> map = new LinkedHashMap<>();
        for (int i = 0; i < priceThenPayout.length; i += 2) {
            map.put((String) priceThenPayout[i], (BigInteger) priceThenPayout[i + 1]);
        }
        return map;
    }

    static void assertRefused(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }

    // ---------------------------------------------------------------------------------------------- vanillas

    @Test
    void shouldPayPutIntrinsicBelowStrikeAndNothingFromStrikeUp() {
        OptionStructure put = usdcPosition(PUT, "2.5", "2000");

        assertPayouts(
                put,
                usdc("5000"),
                payouts(
                        "1900",
                        usdc("250"),
                        "1999.99999999",
                        BigInteger.ZERO, // 1e-8 USD × 2.5 = 0.000000025 USDC, floored
                        "1999.99",
                        usdc("0.025"),
                        "2000",
                        BigInteger.ZERO,
                        "2100",
                        BigInteger.ZERO,
                        "0",
                        usdc("5000")));
        // REFERENCE §4.1 example: K=2000e8, S=1900e8, N=1e6 → 100e6
        assertThat(OptionMath.payout(usdcPosition(PUT, "1", "2000"), usd("1900")))
                .isEqualTo(usdc("100"));
    }

    @Test
    void shouldCapLinearCallAtTwiceTheStrike() {
        OptionStructure call = usdcPosition(LINEAR_CALL, "1", "2000");

        assertPayouts(
                call,
                usdc("2000"),
                payouts(
                        "1900", BigInteger.ZERO,
                        "2000", BigInteger.ZERO,
                        "2500", usdc("500"),
                        "4000", usdc("2000"),
                        "5000", usdc("2000")));
        assertThat(OptionMath.kinks(LINEAR_CALL, call.strikes())).containsExactly(usd("2000"), usd("4000"));
    }

    @Test
    void shouldPayInverseCallInTheUnderlyingAsInTheReferenceExample() {
        // REFERENCE §4.1 and fixtures/history.json: K=2600, S=2750, 0.5 WETH
        OptionStructure call = wethPosition(INVERSE_CALL, "0.5", "2600");

        assertPayouts(
                call,
                weth("0.5"),
                payouts(
                        "2750",
                        new BigInteger("27272727272727272"),
                        "2600",
                        BigInteger.ZERO,
                        "2000",
                        BigInteger.ZERO,
                        "5200",
                        weth("0.25")));
        assertThat(OptionMath.sellerReturn(call, usd("2750"))).isEqualTo(new BigInteger("472727272727272728"));
    }

    // ---------------------------------------------------------------------------------------------- spreads

    @Test
    void shouldPayFullWidthAtUpperStrike() {
        // fixtures/positions.json: ETH call spread 2500/2700 × 23.724792
        OptionStructure spread = usdcPosition(CALL_SPREAD, "23.724792", "2500", "2700");

        assertThat(OptionMath.maxPayout(spread)).isEqualTo(usdc("4744.9584"));
        assertPayouts(
                spread,
                usdc("4744.9584"),
                payouts(
                        "2450.37", BigInteger.ZERO,
                        "2500", BigInteger.ZERO,
                        "2600", usdc("2372.4792"),
                        "2700", usdc("4744.9584"),
                        "2800", usdc("4744.9584")));
    }

    @Test
    void shouldPayNothingWhenCallSpreadSettlesBelowLowerStrike() {
        // fixtures/history.json: BTC call spread 100k/105k × 0.2 settled at 98,765.43
        OptionStructure spread = usdcPosition(CALL_SPREAD, "0.2", "100000", "105000");

        assertPayouts(
                spread,
                usdc("1000"),
                payouts("98765.43", BigInteger.ZERO, "100000", BigInteger.ZERO, "105000", usdc("1000")));
    }

    @Test
    void shouldSettlePutSpreadLikeTheFixtureHistory() {
        // fixtures/history.json: ETH put spread 2300/2400 × 15.5 settled at 2,342.18 → 896.21 / 653.79
        OptionStructure spread = usdcPosition(PUT_SPREAD, "15.5", "2300", "2400");

        assertPayouts(
                spread,
                usdc("1550"),
                payouts(
                        "2342.18", usdc("896.21"),
                        "2200", usdc("1550"),
                        "2300", usdc("1550"),
                        "2400", BigInteger.ZERO,
                        "2500", BigInteger.ZERO));
        assertThat(OptionMath.sellerReturn(spread, usd("2342.18"))).isEqualTo(usdc("653.79"));
    }

    @Test
    void shouldPayInverseCallSpreadMaximumAtUpperStrikeAndLessAboveIt() {
        OptionStructure spread = wethPosition(INVERSE_CALL_SPREAD, "1", "2000", "2500");

        // N × (K2 − K1) / K2 = 1 × 500 / 2500 = 0.2 WETH
        assertPayouts(
                spread,
                weth("0.2"),
                payouts(
                        "1500",
                        BigInteger.ZERO,
                        "2000",
                        BigInteger.ZERO,
                        "2250",
                        new BigInteger("111111111111111111"), // 250 / 2250 WETH, floored
                        "2500",
                        weth("0.2"),
                        "5000",
                        weth("0.1"))); // the capped 500 USD is worth less WETH when ETH is higher
    }

    // ---------------------------------------------------------------------------------------------- flies

    @Test
    void shouldPeakCallFlyAtMiddleStrikeAndPayNothingAtTheWings() {
        OptionStructure fly = usdcPosition(CALL_FLY, "1", "2400", "2500", "2600");

        assertPayouts(
                fly,
                usdc("100"),
                payouts(
                        "2300", BigInteger.ZERO,
                        "2400", BigInteger.ZERO,
                        "2450", usdc("50"),
                        "2500", usdc("100"),
                        "2550", usdc("50"),
                        "2600", BigInteger.ZERO,
                        "2700", BigInteger.ZERO));
    }

    @Test
    void shouldPeakPutFlyAtMiddleStrikeLikeTheFixturePosition() {
        // fixtures/positions.json: BTC put fly 92k/95k/98k × 3.265839
        OptionStructure fly = usdcPosition(PUT_FLY, "3.265839", "92000", "95000", "98000");

        assertPayouts(
                fly,
                usdc("9797.517"),
                payouts(
                        "90000", BigInteger.ZERO,
                        "92000", BigInteger.ZERO,
                        "93500", usdc("4898.7585"),
                        "95000", usdc("9797.517"),
                        "97210.55", usdc("2578.216598"), // 789.45 × 3.265839 = 2578.21659855, floored
                        "98000", BigInteger.ZERO,
                        "100000", BigInteger.ZERO));
    }

    // ---------------------------------------------------------------------------------------------- condors

    @Test
    void shouldPayCallCondorFlatTopBetweenInnerStrikes() {
        OptionStructure condor = usdcPosition(CALL_CONDOR, "1", "2000", "2100", "2300", "2400");

        assertPayouts(condor, usdc("100"), condorShape());
    }

    @Test
    void shouldPayPutCondorTheSameTrapezoid() {
        OptionStructure condor = usdcPosition(PUT_CONDOR, "1", "2000", "2100", "2300", "2400");

        assertPayouts(condor, usdc("100"), condorShape());
    }

    private static Map<String, BigInteger> condorShape() {
        return payouts(
                "1900", BigInteger.ZERO,
                "2000", BigInteger.ZERO,
                "2050", usdc("50"),
                "2100", usdc("100"),
                "2200", usdc("100"),
                "2300", usdc("100"),
                "2350", usdc("50"),
                "2400", BigInteger.ZERO,
                "2500", BigInteger.ZERO);
    }

    @Test
    void shouldPayIronCondorOnBigMovesAndNothingInside() {
        // fixtures/positions.json: ETH iron condor 2200/2300/2600/2700 × 15.72327
        OptionStructure condor = usdcPosition(IRON_CONDOR, "15.72327", "2200", "2300", "2600", "2700");

        assertPayouts(
                condor,
                usdc("1572.327"),
                payouts(
                        "2000", usdc("1572.327"),
                        "2200", usdc("1572.327"),
                        "2250", usdc("786.1635"),
                        "2300", BigInteger.ZERO,
                        "2450.37", BigInteger.ZERO,
                        "2600", BigInteger.ZERO,
                        "2650", usdc("786.1635"),
                        "2700", usdc("1572.327"),
                        "3000", usdc("1572.327")));
    }

    @Test
    void shouldCollateraliseAsymmetricIronCondorWithTheWiderWing() {
        OptionStructure condor = usdcPosition(IRON_CONDOR, "1", "2200", "2300", "2600", "2800");

        assertPayouts(
                condor,
                usdc("200"),
                payouts(
                        "2100", usdc("100"), // put wing is only 100 wide
                        "2200", usdc("100"),
                        "2300", BigInteger.ZERO,
                        "2600", BigInteger.ZERO,
                        "2700", usdc("100"),
                        "2800", usdc("200"),
                        "2900", usdc("200")));
    }

    @Test
    void shouldAllowIronCondorWhoseSpreadsTouch() {
        OptionStructure condor = usdcPosition(IRON_CONDOR, "1", "2300", "2400", "2400", "2500");

        assertPayouts(condor, usdc("100"), payouts("2300", usdc("100"), "2400", BigInteger.ZERO, "2500", usdc("100")));
        assertThat(OptionMath.breakevens(condor, usdc("30"))).containsExactly(usd("2370"), usd("2430"));
    }

    // ---------------------------------------------------------------------------------------------- strike order

    /**
     * Real feeds and positions list put structures descending (REFERENCE §4.1a). The same hand tables as the
     * ascending tests above hold for the descending lists, and the lists themselves are left as given.
     */
    @Test
    void shouldSettleADescendingPutSpreadLikeTheFixtureHistory() {
        // fixtures/history.json: ETH put spread 2300/2400 × 15.5 settled at 2,342.18 → 896.21 / 653.79
        OptionStructure spread = usdcPosition(PUT_SPREAD, "15.5", "2400", "2300");

        assertPayouts(
                spread,
                usdc("1550"),
                payouts(
                        "2342.18", usdc("896.21"),
                        "2200", usdc("1550"),
                        "2300", usdc("1550"),
                        "2400", BigInteger.ZERO,
                        "2500", BigInteger.ZERO));
        assertThat(OptionMath.maxPayout(spread)).isEqualTo(usdc("1550"));
        // 2 × 100 = 200 USDC of width; a 50 USDC premium is 25 a contract: 2400 − 25
        assertThat(OptionMath.breakevens(usdcPosition(PUT_SPREAD, "2", "2400", "2300"), usdc("50")))
                .containsExactly(usd("2375"));
        assertThat(spread.strikes()).containsExactly(usd("2400"), usd("2300"));
    }

    @Test
    void shouldPeakADescendingPutFlyAtTheMiddleStrike() {
        // fixtures/positions.json: BTC put fly 92k/95k/98k × 3.265839, listed 98k/95k/92k
        OptionStructure fly = usdcPosition(PUT_FLY, "3.265839", "98000", "95000", "92000");

        assertPayouts(
                fly,
                usdc("9797.517"),
                payouts(
                        "90000", BigInteger.ZERO,
                        "92000", BigInteger.ZERO,
                        "93500", usdc("4898.7585"),
                        "95000", usdc("9797.517"),
                        "97210.55", usdc("2578.216598"),
                        "98000", BigInteger.ZERO,
                        "100000", BigInteger.ZERO));
        assertThat(OptionMath.breakevens(fly, usdc("1999.999803")))
                .containsExactly(usd("92612.39999981"), usd("97387.60000018"));
        assertThat(OptionMath.kinks(PUT_FLY, fly.strikes())).containsExactly(usd("92000"), usd("95000"), usd("98000"));
    }

    @Test
    void shouldPayADescendingPutCondorTheSameTrapezoid() {
        OptionStructure condor = usdcPosition(PUT_CONDOR, "1", "2400", "2300", "2100", "2000");

        assertPayouts(condor, usdc("100"), condorShape());
        assertThat(OptionMath.breakevens(condor, usdc("25"))).containsExactly(usd("2025"), usd("2375"));
    }

    @Test
    void shouldValueDescendingCallStructuresLikeAscendingOnes() {
        assertPayouts(
                usdcPosition(CALL_SPREAD, "23.724792", "2700", "2500"),
                usdc("4744.9584"),
                payouts("2500", BigInteger.ZERO, "2600", usdc("2372.4792"), "2700", usdc("4744.9584")));
        assertPayouts(
                usdcPosition(CALL_FLY, "1", "2600", "2500", "2400"),
                usdc("100"),
                payouts("2400", BigInteger.ZERO, "2450", usdc("50"), "2500", usdc("100"), "2600", BigInteger.ZERO));
        assertPayouts(usdcPosition(CALL_CONDOR, "1", "2400", "2300", "2100", "2000"), usdc("100"), condorShape());
        // N × (K2 − K1) / K2 = 500 / 2500 WETH, whichever way the two strikes are listed
        assertPayouts(
                wethPosition(INVERSE_CALL_SPREAD, "1", "2500", "2000"),
                weth("0.2"),
                payouts("2000", BigInteger.ZERO, "2500", weth("0.2"), "5000", weth("0.1")));
    }

    // ---------------------------------------------------------------------------------------------- physical

    @Test
    void shouldCollateralisePhysicalOptionsButRefuseTheirPayout() {
        OptionStructure put = usdcPosition(PHYSICAL_PUT, "2", "2000");
        OptionStructure call = wethPosition(PHYSICAL_CALL, "2", "2000");

        assertThat(OptionMath.collateral(put)).isEqualTo(usdc("4000"));
        assertThat(OptionMath.collateral(call)).isEqualTo(weth("2"));
        assertRefused(ErrorCode.PRODUCT_UNSUPPORTED, () -> OptionMath.payout(put, usd("1900")));
        assertRefused(ErrorCode.PRODUCT_UNSUPPORTED, () -> OptionMath.maxPayout(call));
        assertRefused(ErrorCode.PRODUCT_UNSUPPORTED, () -> OptionMath.breakevens(call, weth("0.01")));
        assertRefused(ErrorCode.PRODUCT_UNSUPPORTED, () -> OptionMath.maxLoss(put, Side.SELLER, usdc("10")));
    }

    // ---------------------------------------------------------------------------------------------- ranger

    @Test
    void shouldRefuseRangerWhateverIsAsked() {
        List<BigInteger> strikes = List.of(usd("2200"), usd("2300"), usd("2400"), usd("2500"));
        OptionStructure ranger = new OptionStructure(RANGER, strikes, usdc("1"), 6);

        assertRefused(ErrorCode.PRODUCT_UNSUPPORTED, () -> OptionMath.collateral(ranger));
        assertRefused(ErrorCode.PRODUCT_UNSUPPORTED, () -> OptionMath.payout(ranger, usd("2350")));
        assertRefused(ErrorCode.PRODUCT_UNSUPPORTED, () -> OptionMath.breakevens(ranger, usdc("1")));
        assertRefused(ErrorCode.PRODUCT_UNSUPPORTED, () -> OptionMath.validateStrikes(RANGER, strikes));
        assertRefused(
                ErrorCode.PRODUCT_UNSUPPORTED,
                () -> OptionMath.maxContracts(RANGER, strikes, false, usd("10"), usdc("1000")));
        assertRefused(
                ErrorCode.PRODUCT_UNSUPPORTED,
                () -> OptionMath.protocolFee(RANGER, usdc("1"), usdc("10"), usd("2450")));
    }

    // ---------------------------------------------------------------------------------------------- strikes

    @Test
    void shouldRejectMalformedStrikeShapes() {
        assertRefused(ErrorCode.INVALID_STRIKES, () -> OptionMath.validateStrikes(PUT, List.of()));
        assertRefused(ErrorCode.INVALID_STRIKES, () -> OptionMath.validateStrikes(CALL_SPREAD, strikes("2500")));
        assertRefused(ErrorCode.INVALID_STRIKES, () -> OptionMath.validateStrikes(PUT, List.of(BigInteger.ZERO)));
        assertRefused(
                ErrorCode.INVALID_STRIKES, () -> OptionMath.validateStrikes(PUT, List.of(BigInteger.ONE.negate())));
        assertRefused(ErrorCode.INVALID_STRIKES, () -> OptionMath.validateStrikes(PUT_SPREAD, strikes("2500", "2500")));
        // ascending or descending, never mixed
        assertRefused(
                ErrorCode.INVALID_STRIKES,
                () -> OptionMath.validateStrikes(PUT_FLY, strikes("95000", "92000", "98000")));
        assertRefused(
                ErrorCode.INVALID_STRIKES,
                () -> OptionMath.validateStrikes(PUT_CONDOR, strikes("2300", "2400", "2100", "2000")));
        assertRefused(
                ErrorCode.INVALID_STRIKES,
                () -> OptionMath.validateStrikes(PUT_FLY, strikes("98000", "95000", "91000")));
        // the iron condor is positional: [putLower, putUpper, callLower, callUpper]
        assertRefused(
                ErrorCode.INVALID_STRIKES,
                () -> OptionMath.validateStrikes(IRON_CONDOR, strikes("2700", "2600", "2300", "2200")));
        assertRefused(
                ErrorCode.INVALID_STRIKES, () -> OptionMath.validateStrikes(CALL_FLY, strikes("2400", "2500", "2650")));
        assertRefused(
                ErrorCode.INVALID_STRIKES,
                () -> OptionMath.validateStrikes(CALL_CONDOR, strikes("2000", "2100", "2300", "2450")));
        assertRefused(
                ErrorCode.INVALID_STRIKES,
                () -> OptionMath.validateStrikes(CALL_CONDOR, strikes("2000", "2100", "2100", "2200")));
        assertRefused(
                ErrorCode.INVALID_STRIKES,
                () -> OptionMath.validateStrikes(IRON_CONDOR, strikes("2200", "2400", "2300", "2500")));
        assertRefused(
                ErrorCode.INVALID_STRIKES,
                () -> OptionMath.validateStrikes(IRON_CONDOR, strikes("2300", "2200", "2600", "2700")));
        assertRefused(
                ErrorCode.INVALID_STRIKES,
                () -> OptionMath.payout(usdcPosition(CALL_FLY, "1", "2400", "2500", "2700"), usd("2500")));
    }

    @Test
    void shouldRejectNegativeAmounts() {
        OptionStructure negative = new OptionStructure(PUT, strikes("2000"), BigInteger.valueOf(-1), 6);
        OptionStructure put = usdcPosition(PUT, "1", "2000");

        assertRefused(ErrorCode.INVALID_AMOUNT, () -> OptionMath.collateral(negative));
        assertRefused(ErrorCode.INVALID_AMOUNT, () -> OptionMath.payout(put, BigInteger.valueOf(-1)));
        assertRefused(
                ErrorCode.INVALID_AMOUNT, () -> OptionMath.profit(put, Side.BUYER, BigInteger.valueOf(-1), usd("1")));
        assertRefused(ErrorCode.INVALID_AMOUNT, () -> OptionMath.contractsForPremium(usdc("1"), BigInteger.ZERO));
    }

    static List<BigInteger> strikes(String... values) {
        return Arrays.stream(values).map(OptionMathTests::usd).toList();
    }

    // ---------------------------------------------------------------------------------------------- risk

    @Test
    void shouldBoundLossesByPremiumForBuyerAndCollateralLessPremiumForSeller() {
        OptionStructure spread = usdcPosition(CALL_SPREAD, "23.724792", "2500", "2700");
        BigInteger premium = usdc("999.999982");

        assertThat(OptionMath.maxLoss(spread, Side.BUYER, premium)).isEqualTo(premium);
        assertThat(OptionMath.maxLoss(spread, Side.SELLER, premium)).isEqualTo(usdc("3744.958418"));
        assertThat(OptionMath.profit(spread, Side.BUYER, premium, usd("2700"))).isEqualTo(usdc("3744.958418"));
        assertThat(OptionMath.profit(spread, Side.SELLER, premium, usd("2700")))
                .isEqualTo(usdc("3744.958418").negate());
        assertThat(OptionMath.profit(spread, Side.BUYER, premium, usd("2400")))
                .isEqualTo(usdc("999.999982").negate());
        assertThat(OptionMath.profit(spread, Side.SELLER, premium, usd("2400"))).isEqualTo(premium);
        // a premium above the collateral leaves the seller nothing to lose
        assertThat(OptionMath.maxLoss(spread, Side.SELLER, usdc("5000"))).isZero();
    }

    @Test
    void shouldFindOneBreakevenForVanillasAndSpreads() {
        // premium 999.999982 over 23.724792 contracts = 42.14999996… USD a contract above K1, floored
        assertThat(OptionMath.breakevens(usdcPosition(CALL_SPREAD, "23.724792", "2500", "2700"), usdc("999.999982")))
                .containsExactly(usd("2542.14999996"));
        assertThat(OptionMath.breakevens(usdcPosition(PUT, "1", "2000"), usdc("100")))
                .containsExactly(usd("1900"));
        assertThat(OptionMath.breakevens(usdcPosition(PUT_SPREAD, "2", "2300", "2400"), usdc("50")))
                .containsExactly(usd("2375"));
        assertThat(OptionMath.breakevens(usdcPosition(LINEAR_CALL, "1", "2000"), usdc("150")))
                .containsExactly(usd("2150"));
        // K × N / (N − p) = 2600 × 0.5 / 0.49375 = 2632.91139240…, floored
        assertThat(OptionMath.breakevens(wethPosition(INVERSE_CALL, "0.5", "2600"), weth("0.00625")))
                .containsExactly(usd("2632.9113924"));
    }

    @Test
    void shouldFindTwoBreakevensForFliesCondorsAndIronCondors() {
        // 1999.999803 / 3.265839 = 612.39999993… USD a contract
        assertThat(OptionMath.breakevens(
                        usdcPosition(PUT_FLY, "3.265839", "92000", "95000", "98000"), usdc("1999.999803")))
                .containsExactly(usd("92612.39999981"), usd("97387.60000018"));
        assertThat(OptionMath.breakevens(usdcPosition(CALL_FLY, "1", "2400", "2500", "2600"), usdc("40")))
                .containsExactly(usd("2440"), usd("2560"));
        assertThat(OptionMath.breakevens(usdcPosition(CALL_CONDOR, "1", "2000", "2100", "2300", "2400"), usdc("25")))
                .containsExactly(usd("2025"), usd("2375"));
        assertThat(OptionMath.breakevens(usdcPosition(PUT_CONDOR, "1", "2000", "2100", "2300", "2400"), usdc("25")))
                .containsExactly(usd("2025"), usd("2375"));
        // 499.999986 / 15.72327 = 31.80 exactly
        assertThat(OptionMath.breakevens(
                        usdcPosition(IRON_CONDOR, "15.72327", "2200", "2300", "2600", "2700"), usdc("499.999986")))
                .containsExactly(usd("2268.2"), usd("2631.8"));
        // inverse call spread pays in WETH, so its payout falls again above K2: K1·N/(N−p) and (K2−K1)·N/p
        assertThat(OptionMath.breakevens(wethPosition(INVERSE_CALL_SPREAD, "1", "2000", "2500"), weth("0.05")))
                .containsExactly(usd("2105.26315789"), usd("10000"));
    }

    @Test
    void shouldDropTheBreakevenOfAWingThatCannotRepayThePremium() {
        // asymmetric iron condor: put wing pays at most 100, call wing 200; a 150 premium is only repaid above
        OptionStructure condor = usdcPosition(IRON_CONDOR, "1", "2200", "2300", "2600", "2800");

        assertThat(OptionMath.breakevens(condor, usdc("150"))).containsExactly(usd("2750"));
        assertThat(OptionMath.breakevens(usdcPosition(CALL_SPREAD, "1", "2500", "2700"), usdc("250")))
                .isEmpty();
        assertThat(OptionMath.breakevens(usdcPosition(CALL_FLY, "1", "2400", "2500", "2600"), usdc("100")))
                .containsExactly(usd("2500"));
    }
}
