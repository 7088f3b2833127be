package io.nutsgate.optionmath;

import static io.nutsgate.protocol.Product.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Invariants over random valid positions of every supported product (all cash-settled products except
 * RANGER): strikes from $1 to $200k with random widths (asymmetric iron condors included), 6/8/18-decimal
 * collateral, up to a million contracts, settlement prices both uniform and on/next to every kink.
 */
class OptionMathPropertiesTests {

    static final List<Product> SUPPORTED = List.of(
            PUT,
            LINEAR_CALL,
            INVERSE_CALL,
            CALL_SPREAD,
            PUT_SPREAD,
            INVERSE_CALL_SPREAD,
            CALL_FLY,
            PUT_FLY,
            CALL_CONDOR,
            PUT_CONDOR,
            IRON_CONDOR);

    private static final BigInteger E8 = OptionMath.PRICE_SCALE;

    record Case(OptionStructure position, BigInteger settlement) {}

    record Priced(OptionStructure position, BigInteger premium) {}

    // ---------------------------------------------------------------------------------------------- properties

    /**
     * The payoff is continuous at every strike: one 8-dp step either side moves the payout by at most what one
     * step of a slope-1 payoff is worth ({@code N / 1e8}, or {@code N / (K − 1)} for inverse products, whose
     * slope in underlying units is at most {@code N / S}), plus 1 for the floor.
     */
    @Property
    void shouldBeContinuousAtEveryKink(@ForAll("positions") OptionStructure position) {
        BigInteger n = position.contracts();
        for (BigInteger k : OptionMath.kinks(position.product(), position.strikes())) {
            BigInteger step = position.product().baseCollateral()
                    ? n.divide(k.subtract(BigInteger.ONE)).add(BigInteger.ONE)
                    : n.divide(E8).add(BigInteger.ONE);
            BigInteger at = OptionMath.payout(position, k);
            BigInteger below = OptionMath.payout(position, k.subtract(BigInteger.ONE));
            BigInteger above = OptionMath.payout(position, k.add(BigInteger.ONE));

            assertThat(at.subtract(below).abs()).as("jump below K=%s", k).isLessThanOrEqualTo(step);
            assertThat(above.subtract(at).abs()).as("jump above K=%s", k).isLessThanOrEqualTo(step);
        }
    }

    /** Collateral and max payout against the REFERENCE §4.1 collateral column, written out independently below. */
    @Property
    void shouldKeepPayoutBetweenZeroAndCollateral(@ForAll("cases") Case c) {
        BigInteger payout = OptionMath.payout(c.position(), c.settlement());
        BigInteger collateral = referenceCollateral(c.position());

        assertThat(OptionMath.collateral(c.position())).isEqualTo(collateral);
        assertThat(OptionMath.maxPayout(c.position())).isEqualTo(collateral);
        assertThat(payout).isBetween(BigInteger.ZERO, collateral);
    }

    /** The seller gets back the reference collateral less the closed-form payout, to the unit. */
    @Property
    void shouldSplitCollateralExactlyBetweenBuyerAndSeller(@ForAll("cases") Case c) {
        Settlement settlement = OptionMath.settle(c.position(), c.settlement());
        BigInteger payout = closedForm(c.position(), c.settlement());

        assertThat(settlement.buyerPayout()).isEqualTo(payout);
        assertThat(settlement.sellerReturn())
                .isEqualTo(referenceCollateral(c.position()).subtract(payout));
        assertThat(OptionMath.sellerReturn(c.position(), c.settlement()))
                .isEqualTo(referenceCollateral(c.position()).subtract(payout));
    }

    /**
     * Spreads, flies and condors listed descending (as real feeds list put structures, REFERENCE §4.1a) give the
     * closed-form payout and reference collateral of the ascending list, the same breakevens, kinks and capacity,
     * and the position keeps the list as given.
     */
    @Property
    void shouldGiveTheSameNumbersForDescendingStrikes(
            @ForAll("orderFreeCases") Case c, @ForAll("contracts") BigInteger budget) {
        OptionStructure ascending = c.position();
        List<BigInteger> reversed = ascending.strikes().reversed();
        OptionStructure descending = new OptionStructure(
                ascending.product(), reversed, ascending.contracts(), ascending.collateralDecimals());
        BigInteger premium = referenceCollateral(ascending).divide(BigInteger.TWO);

        assertThat(descending.strikes()).isEqualTo(reversed);
        assertThat(OptionMath.payout(descending, c.settlement())).isEqualTo(closedForm(ascending, c.settlement()));
        assertThat(OptionMath.collateral(descending)).isEqualTo(referenceCollateral(ascending));
        assertThat(OptionMath.breakevens(descending, premium)).isEqualTo(OptionMath.breakevens(ascending, premium));
        assertThat(OptionMath.kinks(descending.product(), reversed)).isEqualTo(ascending.strikes());
        assertThat(OptionMath.maxContracts(descending.product(), reversed, false, E8, budget))
                .isEqualTo(OptionMath.maxContracts(ascending.product(), ascending.strikes(), false, E8, budget));
    }

    /** The leg sums agree with the closed forms of REFERENCE §4.1, written out independently below. */
    @Property
    void shouldMatchTheReferenceClosedForms(@ForAll("cases") Case c) {
        assertThat(OptionMath.payout(c.position(), c.settlement())).isEqualTo(closedForm(c.position(), c.settlement()));
    }

    @Property
    void shouldMakeBuyerAndSellerProfitsMirrorEachOther(@ForAll("priced") Priced p, @ForAll("cases") Case c) {
        OptionStructure position = p.position();
        BigInteger s = c.settlement();
        BigInteger buyer = OptionMath.profit(position, Side.BUYER, p.premium(), s);
        BigInteger seller = OptionMath.profit(position, Side.SELLER, p.premium(), s);

        assertThat(buyer.add(seller)).isZero();
        assertThat(buyer.negate()).isLessThanOrEqualTo(OptionMath.maxLoss(position, Side.BUYER, p.premium()));
        assertThat(seller.negate()).isLessThanOrEqualTo(OptionMath.maxLoss(position, Side.SELLER, p.premium()));
    }

    /**
     * Breakevens are exact roots floored to the 8-dp grid, so the buyer's profit is zero or changes sign between
     * {@code be} and {@code be + 1}: at a breakeven the profit is off zero by less than one 8-dp price step.
     */
    @Property
    void shouldBreakEvenWithinOnePriceStep(@ForAll("priced") Priced p) {
        List<BigInteger> breakevens = OptionMath.breakevens(p.position(), p.premium());

        assertThat(breakevens).isSorted().doesNotHaveDuplicates();
        for (BigInteger be : breakevens) {
            BigInteger at = OptionMath.profit(p.position(), Side.BUYER, p.premium(), be);
            BigInteger next = OptionMath.profit(p.position(), Side.BUYER, p.premium(), be.add(BigInteger.ONE));
            assertThat(at.signum() * next.signum())
                    .as("profit %s at %s, %s one step up", at, be, next)
                    .isLessThanOrEqualTo(0);
        }
    }

    /**
     * Counted from the premium against each side's maximum (all compared as {@code value × N} against {@code
     * premium × 1e8}, so without rounding): a side contributes a breakeven iff its maximum can repay the premium;
     * two roots that meet (a fly's peak, a touching iron condor with zero premium) count once.
     */
    @Property
    void shouldFindTheExpectedNumberOfBreakevens(@ForAll("priced") Priced p) {
        OptionStructure position = p.position();
        List<BigInteger> k = position.strikes();
        BigInteger n = position.contracts();
        BigInteger premium = p.premium();
        BigInteger scaled = premium.multiply(E8);

        int expected =
                switch (position.product()) {
                    case PUT, LINEAR_CALL -> scaled.compareTo(k.get(0).multiply(n)) <= 0 ? 1 : 0;
                    case CALL_SPREAD, PUT_SPREAD -> scaled.compareTo(width(k, 0).multiply(n)) <= 0 ? 1 : 0;
                    case CALL_CONDOR, PUT_CONDOR -> scaled.compareTo(width(k, 0).multiply(n)) <= 0 ? 2 : 0;
                    case CALL_FLY, PUT_FLY ->
                        switch (scaled.compareTo(width(k, 0).multiply(n))) {
                            case -1 -> 2;
                            case 0 -> 1;
                            default -> 0;
                        };
                    case IRON_CONDOR -> {
                        BigInteger narrow = width(k, 0).min(width(k, 2)),
                                wide = width(k, 0).max(width(k, 2));
                        if (scaled.compareTo(narrow.multiply(n)) <= 0) {
                            yield k.get(1).equals(k.get(2)) && premium.signum() == 0 ? 1 : 2;
                        }
                        yield scaled.compareTo(wide.multiply(n)) <= 0 ? 1 : 0;
                    }
                    case INVERSE_CALL -> premium.compareTo(n) < 0 ? 1 : 0;
                    case INVERSE_CALL_SPREAD -> {
                        // both roots exist iff p × K2 ≤ (K2 − K1) × N; they meet at K2 on equality; p = 0 has no upper
                        // root
                        int cmp =
                                premium.multiply(k.get(1)).compareTo(width(k, 0).multiply(n));
                        yield cmp > 0 ? 0 : cmp == 0 || premium.signum() == 0 ? 1 : 2;
                    }
                    default -> throw new IllegalStateException();
                };
        assertThat(OptionMath.breakevens(position, premium)).hasSize(expected);
    }

    private static BigInteger width(List<BigInteger> k, int lower) {
        return k.get(lower + 1).subtract(k.get(lower));
    }

    @Property
    void shouldAlwaysRefuseRanger(
            @ForAll("strikeVectors") List<BigInteger> strikes,
            @ForAll("contracts") BigInteger contracts,
            @ForAll("contracts") BigInteger amount) {
        OptionStructure ranger = new OptionStructure(RANGER, strikes, contracts, 6);

        assertUnsupported(() -> OptionMath.validateStrikes(RANGER, strikes));
        assertUnsupported(() -> OptionMath.collateral(ranger));
        assertUnsupported(() -> OptionMath.payout(ranger, amount));
        assertUnsupported(() -> OptionMath.settle(ranger, amount));
        assertUnsupported(() -> OptionMath.maxPayout(ranger));
        assertUnsupported(() -> OptionMath.maxLoss(ranger, Side.SELLER, amount));
        assertUnsupported(() -> OptionMath.profit(ranger, Side.BUYER, amount, amount));
        assertUnsupported(() -> OptionMath.breakevens(ranger, amount));
        assertUnsupported(() -> OptionMath.kinks(RANGER, strikes));
        assertUnsupported(() -> OptionMath.maxContracts(RANGER, strikes, false, E8, amount));
        assertUnsupported(() -> OptionMath.maxContracts(RANGER, strikes, true, E8, amount));
        assertUnsupported(() -> OptionMath.protocolFee(RANGER, contracts, amount, E8));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void assertUnsupported(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code())
                .isEqualTo(ErrorCode.PRODUCT_UNSUPPORTED));
    }

    /** REFERENCE §4.1 seller collateral per contract (ascending strikes), times N, floored once. */
    static BigInteger referenceCollateral(OptionStructure position) {
        List<BigInteger> k = position.strikes();
        BigInteger n = position.contracts();
        BigInteger perContract =
                switch (position.product()) {
                    case INVERSE_CALL -> E8; // one unit of the underlying
                    case INVERSE_CALL_SPREAD -> null;
                    case PUT, LINEAR_CALL -> k.get(0);
                    case CALL_SPREAD, PUT_SPREAD, CALL_FLY, CALL_CONDOR ->
                        k.get(1).subtract(k.get(0));
                    case PUT_FLY -> k.get(2).subtract(k.get(1));
                    case PUT_CONDOR -> k.get(3).subtract(k.get(2));
                    case IRON_CONDOR -> k.get(1).subtract(k.get(0)).max(k.get(3).subtract(k.get(2)));
                    default -> throw new IllegalStateException();
                };
        if (perContract == null) {
            // 1 − K1/K2 units of the underlying a contract
            return n.multiply(k.get(1).subtract(k.get(0))).divide(k.get(1));
        }
        return perContract.multiply(n).divide(E8);
    }

    /** REFERENCE §4.1 payoffs as closed forms (min/max), not leg sums. */
    static BigInteger closedForm(OptionStructure position, BigInteger s) {
        List<BigInteger> k = position.strikes();
        BigInteger n = position.contracts();
        BigInteger zero = BigInteger.ZERO;
        BigInteger value =
                switch (position.product()) {
                    case PUT -> k.get(0).subtract(s).max(zero);
                    case LINEAR_CALL -> s.subtract(k.get(0)).max(zero).min(k.get(0));
                    case INVERSE_CALL -> s.subtract(k.get(0)).max(zero);
                    case CALL_SPREAD, INVERSE_CALL_SPREAD ->
                        s.compareTo(k.get(0)) > 0 ? s.min(k.get(1)).subtract(k.get(0)) : zero;
                    case PUT_SPREAD -> s.compareTo(k.get(1)) < 0 ? k.get(1).subtract(s.max(k.get(0))) : zero;
                    case CALL_FLY, PUT_FLY ->
                        k.get(1)
                                .subtract(k.get(0))
                                .subtract(s.subtract(k.get(1)).abs())
                                .max(zero);
                    case CALL_CONDOR, PUT_CONDOR ->
                        s.subtract(k.get(0))
                                .min(k.get(1).subtract(k.get(0)))
                                .min(k.get(3).subtract(s))
                                .max(zero);
                    case IRON_CONDOR ->
                        k.get(1)
                                .subtract(s.max(k.get(0)))
                                .max(zero)
                                .add(s.min(k.get(3)).subtract(k.get(2)).max(zero));
                    default -> throw new IllegalStateException();
                };
        if (position.product().baseCollateral()) {
            return value.signum() == 0 ? zero : value.multiply(n).divide(s);
        }
        return value.multiply(n).divide(E8);
    }

    // ---------------------------------------------------------------------------------------------- generators

    @Provide
    Arbitrary<OptionStructure> positions() {
        Arbitrary<Long> base = Arbitraries.longs().between(100_000_000L, 20_000_000_000_000L); // $1 … $200k
        Arbitrary<Long> width = Arbitraries.longs().between(1L, 5_000_000_000_000L); // 1e-8 … $50k
        Arbitrary<Long> gap = Arbitraries.longs().between(0L, 5_000_000_000_000L);
        return Combinators.combine(Arbitraries.of(SUPPORTED), base, width, gap, width, Arbitraries.of(6, 8, 18))
                .flatAs((product, k1, w1, g, w2, decimals) -> Arbitraries.bigIntegers()
                        .between(BigInteger.ONE, BigInteger.TEN.pow(decimals + 6))
                        .map(n -> new OptionStructure(product, strikes(product, k1, w1, g, w2), n, decimals)));
    }

    @Provide
    Arbitrary<Case> cases() {
        return positions().flatMap(p -> settlements(p).map(s -> new Case(p, s)));
    }

    /** Spreads, flies and condors: the structures whose strikes may come in either order. */
    @Provide
    Arbitrary<Case> orderFreeCases() {
        return cases().filter(c -> switch (c.position().product().structure()) {
            case SPREAD, BUTTERFLY, CONDOR -> true;
            default -> false;
        });
    }

    @Provide
    Arbitrary<Priced> priced() {
        return positions().flatMap(p -> {
            BigInteger collateral = OptionMath.collateral(p);
            // up to 10 % above the collateral, so premiums no payout can repay are covered too
            BigInteger top = collateral.add(collateral.divide(BigInteger.TEN)).add(BigInteger.ONE);
            return Arbitraries.bigIntegers().between(BigInteger.ZERO, top).map(premium -> new Priced(p, premium));
        });
    }

    @Provide
    Arbitrary<List<BigInteger>> strikeVectors() {
        return Arbitraries.bigIntegers()
                .between(BigInteger.valueOf(-5), BigInteger.TEN.pow(14))
                .list()
                .ofMinSize(0)
                .ofMaxSize(5);
    }

    @Provide
    Arbitrary<BigInteger> contracts() {
        return Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(24));
    }

    private static Arbitrary<BigInteger> settlements(OptionStructure position) {
        List<BigInteger> kinks = OptionMath.kinks(position.product(), position.strikes());
        BigInteger top = kinks.get(kinks.size() - 1).multiply(BigInteger.valueOf(3));
        Arbitrary<BigInteger> nearKink = Arbitraries.of(kinks)
                .flatMap(k -> Arbitraries.longs().between(-3, 3).map(d -> k.add(BigInteger.valueOf(d))));
        Arbitrary<BigInteger> uniform = Arbitraries.bigIntegers().between(BigInteger.ZERO, top);
        return Arbitraries.frequencyOf(
                Tuple.of(1, nearKink), Tuple.of(2, uniform), Tuple.of(1, Arbitraries.just(BigInteger.ZERO)));
    }

    private static List<BigInteger> strikes(Product product, long k1, long w1, long gap, long w2) {
        BigInteger a = BigInteger.valueOf(k1), b = a.add(BigInteger.valueOf(w1));
        return switch (product.structure()) {
            case VANILLA -> List.of(a);
            case SPREAD -> List.of(a, b);
            case BUTTERFLY -> List.of(a, b, b.add(BigInteger.valueOf(w1)));
            case CONDOR -> {
                BigInteger c = b.add(BigInteger.valueOf(gap + 1));
                yield List.of(a, b, c, c.add(BigInteger.valueOf(w1)));
            }
            case IRON_CONDOR -> {
                BigInteger c = b.add(BigInteger.valueOf(gap));
                yield List.of(a, b, c, c.add(BigInteger.valueOf(w2)));
            }
            default -> throw new IllegalStateException();
        };
    }
}
