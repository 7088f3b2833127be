package io.nutsgate.optionmath;

import static io.nutsgate.optionmath.OptionMathTests.assertRefused;
import static io.nutsgate.optionmath.OptionMathTests.strikes;
import static io.nutsgate.optionmath.OptionMathTests.usd;
import static io.nutsgate.optionmath.OptionMathTests.usdc;
import static io.nutsgate.optionmath.OptionMathTests.weth;
import static io.nutsgate.protocol.Product.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.common.Decimals;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sizing, capacity and fees: the worked numbers of REFERENCE §3.3 and §3.5. */
class OptionMathSizingTests {

    /**
     * REFERENCE §3.5 worked table: N from the budget (or given), premium, the two fee branches and the fee. Rows
     * 1–3 size from a USDC budget at the fixture spots; rows 4–5 are the history fills with a given size.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            ETH CALL_SPREAD 2500/2700 | CALL_SPREAD | 2500,2700             | 42.15    | 1000 |     | 2450.37  | 6  | 23724792           | 999999982        | 34880711        | 4744958400
            BTC PUT_FLY 92k/95k/98k   | PUT_FLY     | 92000,95000,98000     | 612.40   | 2000 |     | 97210.55 | 6  | 3265839            | 1999999803       | 190484403       | 9797517000
            ETH IRON_CONDOR           | IRON_CONDOR | 2200,2300,2600,2700   | 31.80    | 500  |     | 2450.37  | 6  | 15723270           | 499999986        | 23116697        | 1572327000
            BTC CALL_SPREAD 100k/105k | CALL_SPREAD | 100000,105000         | 153.20   |      | 0.2 | 96500.10 | 6  | 200000             | 30640000         | 3830000         | 1000000000
            ETH INVERSE_CALL 2600     | INVERSE_CALL| 2600                  | 0.0125   |      | 0.5 |          | 18 | 500000000000000000 | 6250000000000000 | 300000000000000 | 500000000000000000
            """)
    void shouldReproduceTheWorkedFeeTable(
            String label,
            Product product,
            String strikeList,
            String price,
            String budget,
            String contracts,
            String spot,
            int decimals,
            String expectedContracts,
            String expectedPremium,
            String expectedFee,
            String expectedCollateral) {
        BigInteger rawPrice = usd(price); // collateral per contract × 1e8
        BigInteger n = budget != null
                ? OptionMath.contractsForPremium(Decimals.parse(budget, decimals, "b"), rawPrice)
                : Decimals.parse(contracts, decimals, "n");
        BigInteger premium = OptionMath.premium(rawPrice, n);
        BigInteger fee = OptionMath.protocolFee(product, n, premium, spot == null ? null : usd(spot));
        List<BigInteger> k = strikes(strikeList.split(","));

        assertThat(n).isEqualTo(new BigInteger(expectedContracts));
        assertThat(premium).isEqualTo(new BigInteger(expectedPremium));
        assertThat(fee).isEqualTo(new BigInteger(expectedFee));
        assertThat(OptionMath.collateral(new OptionStructure(product, k, n, decimals)))
                .isEqualTo(new BigInteger(expectedCollateral));
    }

    @Test
    void shouldTakeTheNotionalBranchOrThePremiumCapWhicheverIsSmaller() {
        // row 1: notional 34.880711 < cap 124.999997
        assertThat(OptionMath.protocolFee(CALL_SPREAD, new BigInteger("23724792"), usdc("999.999982"), usd("2450.37")))
                .isEqualTo(usdc("34.880711"));
        // row 4: notional 11.580012 > cap 3.83
        assertThat(OptionMath.protocolFee(CALL_SPREAD, usdc("0.2"), usdc("30.64"), usd("96500.10")))
                .isEqualTo(usdc("3.83"));
        // base collateral measures notional in the underlying itself (P = 1e8); the spot is not needed
        assertThat(OptionMath.protocolFee(INVERSE_CALL, weth("0.5"), weth("0.00625"), null))
                .isEqualTo(weth("0.0003"));
    }

    @Test
    void shouldRefuseAQuoteFeeWithoutSpot() {
        assertRefused(ErrorCode.INVALID_AMOUNT, () -> OptionMath.protocolFee(CALL_SPREAD, usdc("1"), usdc("40"), null));
    }

    @Test
    void shouldGiveTheReferrerItsSplitOfTheFee() {
        // REFERENCE §3.5: 50 % of 34.880711 USDC = 17.440355 (floored)
        assertThat(OptionMath.referrerShare(usdc("34.880711"), 5000)).isEqualTo(usdc("17.440355"));
        assertThat(OptionMath.referrerShare(usdc("34.880711"), 2500)).isEqualTo(usdc("8.720177"));
        assertThat(OptionMath.referrerShare(usdc("34.880711"), 0)).isZero();
        assertRefused(ErrorCode.INVALID_AMOUNT, () -> OptionMath.referrerShare(usdc("1"), 10_001));
    }

    // ---------------------------------------------------------------------------------------------- §3.3

    @Test
    void shouldSizeCallSpreadCapacityByItsWidth() {
        assertThat(OptionMath.maxContracts(CALL_SPREAD, strikes("2500", "2700"), false, usd("42.15"), usdc("20000")))
                .isEqualTo(usdc("100"));
    }

    @Test
    void shouldSizePutFlyCapacityByOneWingNotTheFullSpan() {
        assertThat(OptionMath.maxContracts(
                        PUT_FLY, strikes("92000", "95000", "98000"), false, usd("612.40"), usdc("30000")))
                .isEqualTo(usdc("10"));
    }

    /** REFERENCE §3.3 worked capacities with the strikes listed descending, as real feeds list put structures. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            PUT_SPREAD  | 2400,2300           | 38.50  | 10000 | 100
            PUT_SPREAD  | 2300,2400           | 38.50  | 10000 | 100
            PUT_FLY     | 98000,95000,92000   | 612.40 | 30000 | 10
            PUT_FLY     | 92000,95000,98000   | 612.40 | 30000 | 10
            PUT_CONDOR  | 2500,2400,2200,2100 | 45     | 12000 | 120
            PUT_CONDOR  | 2100,2200,2400,2500 | 45     | 12000 | 120
            CALL_SPREAD | 2700,2500           | 42.15  | 20000 | 100
            """)
    void shouldSizeCapacityTheSameForEitherStrikeOrder(
            Product product, String strikeList, String price, String budget, String expectedContracts) {
        // capacity = budget / width of one wing: 10000/100, 30000/3000, 12000/100, 20000/200
        assertThat(OptionMath.maxContracts(product, strikes(strikeList.split(",")), false, usd(price), usdc(budget)))
                .isEqualTo(usdc(expectedContracts));
    }

    @Test
    void shouldSizeIronCondorCapacityByTheWiderWing() {
        assertThat(OptionMath.maxContracts(
                        IRON_CONDOR, strikes("2200", "2300", "2600", "2700"), false, usd("31.80"), usdc("15000")))
                .isEqualTo(usdc("150"));
        assertThat(OptionMath.maxContracts(
                        IRON_CONDOR, strikes("2200", "2300", "2600", "2800"), false, usd("31.80"), usdc("15000")))
                .isEqualTo(usdc("75"));
    }

    @Test
    void shouldSizeMakerLongOrdersByPremium() {
        // maker buys: the budget pays premium, 20,000 USDC / 42.15 = 474.495848… contracts
        assertThat(OptionMath.maxContracts(CALL_SPREAD, strikes("2500", "2700"), true, usd("42.15"), usdc("20000")))
                .isEqualTo(new BigInteger("474495848"));
    }

    @Test
    void shouldSizeBaseCollateralProductsInUnitsOfTheUnderlying() {
        // 1 WETH a contract: the budget is the count
        assertThat(OptionMath.maxContracts(INVERSE_CALL, strikes("2600"), false, usd("0.0125"), weth("3")))
                .isEqualTo(weth("3"));
        assertThat(OptionMath.maxContracts(PHYSICAL_CALL, strikes("2600"), false, usd("0.0125"), weth("3")))
                .isEqualTo(weth("3"));
        // 1 − 2000/2500 = 0.2 WETH a contract → 1 WETH backs 5 contracts
        assertThat(OptionMath.maxContracts(INVERSE_CALL_SPREAD, strikes("2000", "2500"), false, usd("0.01"), weth("1")))
                .isEqualTo(weth("5"));
        assertThat(OptionMath.maxContracts(PHYSICAL_PUT, strikes("2000"), false, usd("20"), usdc("5000")))
                .isEqualTo(usdc("2.5"));
    }

    @Test
    void shouldFillTheBudgetExactlyAtCapacityAndNotBeyond() {
        List<BigInteger> k = strikes("2000", "2500");
        BigInteger budget = new BigInteger("1000000000000000007");
        BigInteger n = OptionMath.maxContracts(INVERSE_CALL_SPREAD, k, false, usd("0.01"), budget);

        assertThat(n).isEqualTo(new BigInteger("5000000000000000035"));
        assertThat(OptionMath.collateral(new OptionStructure(INVERSE_CALL_SPREAD, k, n, 18)))
                .isEqualTo(budget);
        assertThat(OptionMath.collateral(new OptionStructure(INVERSE_CALL_SPREAD, k, n.add(BigInteger.valueOf(5)), 18)))
                .isGreaterThan(budget);
    }

    @Test
    void shouldBuyContractsWithAPremiumBudgetAndChargeTheFlooredPremium() {
        assertThat(OptionMath.contractsForPremium(usdc("1000"), usd("42.15"))).isEqualTo(new BigInteger("23724792"));
        assertThat(OptionMath.premium(usd("42.15"), new BigInteger("23724792"))).isEqualTo(usdc("999.999982"));
        assertThat(OptionMath.contractsForPremium(usdc("0.000001"), usd("42.15")))
                .isZero();
    }
}
