package io.nutsgate.optionmath;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Exact integer option math in on-chain units (REFERENCE §3 and §4): strikes, prices and settlement prices
 * carry 8 decimals, contracts and amounts are in the collateral token's base units (1 contract =
 * 10^collateralDecimals). Every division floors, as the contracts do.
 *
 * <h2>Payoffs</h2>
 *
 * Quote-collateral (USDC) products pay {@code f(S) × N / 1e8} where {@code f} is the per-contract intrinsic
 * value in 8-dp USD, written as a sum of call legs {@code (S−K)⁺} and put legs {@code (K−S)⁺} (iron condor
 * = put spread + call spread, never the builder docs' simplified formula). The intrinsic value is computed
 * exactly and floored once. Inverse products (INVERSE_CALL, INVERSE_CALL_SPREAD) are collateralised and paid
 * in the underlying: {@code g(S) × N / S}.
 *
 * <h2>Strike order</h2>
 *
 * Spreads, flies and condors are accepted ascending or descending (put structures come descending in real feeds
 * and positions, REFERENCE §4.1a) and give the same numbers either way: the formulas read a sorted copy
 * ({@link #ascending}). IRON_CONDOR is positional ({@code [putLower, putUpper, callLower, callUpper]}).
 *
 * <h2>What is refused</h2>
 *
 * <ul>
 *   <li>RANGER: its on-chain payoff and collateral are disputed (REFERENCE §4.4), so every method answers
 *       {@code PRODUCT_UNSUPPORTED}; nothing is guessed.
 *   <li>PHYSICAL_CALL / PHYSICAL_PUT: collateral and sizing are known (1 unit of underlying / {@code K} per
 *       contract) and are answered. Payout, profit, max loss and breakevens are {@code PRODUCT_UNSUPPORTED}:
 *       settlement swaps two tokens at the strike (and may hinge on the holder's exercise decision), so a
 *       single-token payout would misstate what the user receives.
 * </ul>
 *
 * <h2>Breakeven rounding</h2>
 *
 * A breakeven is the exact (rational) settlement price at which the buyer's payout equals the premium paid,
 * rounded down to the 8-dp grid. The true breakeven therefore lies in {@code [be, be + 1)} (one 8-dp unit,
 * 1e-8 USD), and the buyer's computed profit has opposite signs (or is zero) at {@code be} and {@code be + 1}.
 */
public final class OptionMath {

    /** 1e8: the scale of strikes, prices and the protocol's {@code PRICE_DECIMALS}. */
    public static final BigInteger PRICE_SCALE = BigInteger.TEN.pow(8);

    /** The most points {@link #payoffCurve} draws. */
    public static final int MAX_CURVE_POINTS = 1000;

    private static final BigInteger TWO = BigInteger.TWO;
    private static final BigInteger FEE_RATE_NUMERATOR = BigInteger.valueOf(6); // 0.06 % = 6 / 10000
    private static final BigInteger BPS = BigInteger.valueOf(10_000);
    private static final BigInteger FEE_CAP_NUMERATOR = BigInteger.valueOf(125); // 12.5 % = 125 / 1000
    private static final BigInteger FEE_CAP_DENOMINATOR = BigInteger.valueOf(1000);

    private OptionMath() {}

    // ---------------------------------------------------------------------------------------------
    // strike shapes

    /**
     * Checks a strike vector against the product's shape: count, positive, strictly monotonic, equidistant
     * butterflies, equal condor wings, non-overlapping iron condor ({@code K1<K2 ≤ K3<K4}; asymmetric wings
     * allowed). Spreads, flies and condors may come ascending or descending (real feeds quote put structures
     * descending, REFERENCE §4.1a); IRON_CONDOR is positional and must be ascending. Throws {@code
     * INVALID_STRIKES}; RANGER throws {@code PRODUCT_UNSUPPORTED}.
     */
    public static void validateStrikes(Product product, List<BigInteger> strikes) {
        ascending(product, strikes);
    }

    /**
     * The strikes as the formulas read them, after {@link #validateStrikes}: spreads, flies and condors sorted
     * ascending (a sorted copy: the caller's list, which may be part of a signed order, is never touched),
     * vanillas and iron condors as given. Every method of this class reads strikes through here, so {@code [a, b]}
     * and {@code [b, a]} give the same numbers.
     */
    public static List<BigInteger> ascending(Product product, List<BigInteger> strikes) {
        refuseRanger(product);
        if (strikes == null || strikes.size() != product.strikeCount()) {
            throw invalidStrikes(product + " takes " + product.strikeCount() + " strike(s), got "
                    + (strikes == null ? 0 : strikes.size()));
        }
        for (BigInteger k : strikes) {
            if (k == null || k.signum() <= 0) {
                throw invalidStrikes("strikes must be positive 8-decimal integers");
            }
        }
        if (product == Product.IRON_CONDOR) {
            BigInteger k1 = strikes.get(0), k2 = strikes.get(1), k3 = strikes.get(2), k4 = strikes.get(3);
            if (k1.compareTo(k2) >= 0 || k3.compareTo(k4) >= 0) {
                throw invalidStrikes("iron condor strikes must be [putLower < putUpper, callLower < callUpper]");
            }
            if (k2.compareTo(k3) > 0) {
                throw invalidStrikes("iron condor spreads overlap: putUpper must be ≤ callLower");
            }
            return List.copyOf(strikes);
        }
        List<BigInteger> k = strikes.size() > 1 && strikes.get(0).compareTo(strikes.get(1)) > 0
                ? List.copyOf(strikes).reversed()
                : List.copyOf(strikes);
        for (int i = 1; i < k.size(); i++) {
            if (k.get(i - 1).compareTo(k.get(i)) >= 0) {
                throw invalidStrikes("strikes must be strictly increasing or strictly decreasing");
            }
        }
        switch (product.structure()) {
            case BUTTERFLY -> {
                if (!width(k, 0).equals(width(k, 1))) {
                    throw invalidStrikes("butterfly strikes must be equidistant");
                }
            }
            case CONDOR -> {
                if (!width(k, 0).equals(width(k, 2))) {
                    throw invalidStrikes("condor wings must be equal: K2−K1 must equal K4−K3");
                }
            }
            default -> {}
        }
        return k;
    }

    /**
     * The price points where the payoff bends, ascending: the strikes, plus {@code 2K} for LINEAR_CALL (where
     * its cap starts). A chart that contains these points draws every kink exactly.
     */
    public static List<BigInteger> kinks(Product product, List<BigInteger> strikes) {
        List<BigInteger> k = ascending(product, strikes);
        TreeSet<BigInteger> points = new TreeSet<>(k);
        if (product == Product.LINEAR_CALL) {
            points.add(k.get(0).multiply(TWO));
        }
        return List.copyOf(points);
    }

    // ---------------------------------------------------------------------------------------------
    // collateral, payout, settlement

    /**
     * Collateral the seller locks, in collateral base units (REFERENCE §4.1): {@code c × N / 1e8} for quote
     * products, {@code N} for INVERSE_CALL and PHYSICAL_CALL, {@code N × (K2−K1) / K2} for INVERSE_CALL_SPREAD.
     */
    public static BigInteger collateral(OptionStructure structure) {
        return collateral(structure.product(), validate(structure), structure.contracts());
    }

    /** The buyer's payout at settlement price {@code settlement} (8 dp), in collateral base units. */
    public static BigInteger payout(OptionStructure structure, BigInteger settlement) {
        List<BigInteger> k = validatePayoff(structure);
        requireNonNegative(settlement, "settlement price");
        return payoutUnchecked(structure.product(), k, structure.contracts(), settlement);
    }

    /** Collateral returned to the seller at {@code settlement}: {@code collateral − payout}. */
    public static BigInteger sellerReturn(OptionStructure structure, BigInteger settlement) {
        return settle(structure, settlement).sellerReturn();
    }

    /** Payout and seller return at {@code settlement}; they add up to the collateral exactly. */
    public static Settlement settle(OptionStructure structure, BigInteger settlement) {
        BigInteger payout = payout(structure, settlement);
        BigInteger collateral = collateral(structure.product(), validate(structure), structure.contracts());
        return new Settlement(collateral, payout, collateral.subtract(payout));
    }

    /**
     * The most the buyer can receive: the collateral. Reached on the flat top of spreads, flies and condors
     * and at {@code S = K2} for INVERSE_CALL_SPREAD; only approached as {@code S → ∞} for INVERSE_CALL.
     */
    public static BigInteger maxPayout(OptionStructure structure) {
        return collateral(structure.product(), validatePayoff(structure), structure.contracts());
    }

    /**
     * Worst case for a side, given the total premium the buyer paid (collateral base units): the buyer can lose
     * the premium (every supported payoff touches zero); the seller can lose {@code collateral − premium},
     * floored at zero when the premium already exceeds the collateral. The protocol fee the seller pays out of
     * the premium is not included.
     */
    public static BigInteger maxLoss(OptionStructure structure, Side side, BigInteger premium) {
        List<BigInteger> k = validatePayoff(structure);
        requireNonNegative(premium, "premium");
        if (side == Side.BUYER) {
            return premium;
        }
        BigInteger collateral = collateral(structure.product(), k, structure.contracts());
        return collateral.subtract(premium).max(BigInteger.ZERO);
    }

    /**
     * Profit at {@code settlement} for a side, given the total premium paid (collateral base units): buyer
     * {@code payout − premium}, seller {@code premium − payout} (premium received plus collateral returned
     * minus collateral posted). Fees are not included.
     */
    public static BigInteger profit(OptionStructure structure, Side side, BigInteger premium, BigInteger settlement) {
        requireNonNegative(premium, "premium");
        BigInteger buyer = payout(structure, settlement).subtract(premium);
        return side == Side.BUYER ? buyer : buyer.negate();
    }

    /**
     * Settlement prices (8 dp, ascending) at which the buyer's profit is zero for the given total premium. One
     * for vanillas and spreads, two for butterflies, condors and iron condors (and for INVERSE_CALL_SPREAD,
     * whose underlying-denominated payout falls again above K2); fewer when the premium is so high that a side
     * can never pay it back. Each value is the exact root rounded down to the 8-dp grid (see class comment).
     * Where the payout equals the premium on a whole flat stretch (e.g. a zero premium), the stretch's ends are
     * returned.
     */
    public static List<BigInteger> breakevens(OptionStructure structure, BigInteger premium) {
        List<BigInteger> k = validatePayoff(structure);
        requireNonNegative(premium, "premium");
        BigInteger n = structure.contracts();
        if (n.signum() == 0) {
            return List.of();
        }
        TreeSet<BigInteger> roots = new TreeSet<>();
        switch (structure.product()) {
            case INVERSE_CALL -> {
                // (S − K) × N / S = p  ⇔  S = K × N / (N − p)
                if (premium.compareTo(n) < 0) {
                    roots.add(floorDiv(k.get(0).multiply(n), n.subtract(premium)));
                }
            }
            case INVERSE_CALL_SPREAD -> {
                BigInteger k1 = k.get(0), k2 = k.get(1), w = k2.subtract(k1);
                // rising on [K1, K2]: (S − K1) × N / S = p  ⇔  S = K1 × N / (N − p)
                if (premium.compareTo(n) < 0) {
                    BigInteger num = k1.multiply(n), den = n.subtract(premium);
                    if (num.compareTo(k2.multiply(den)) <= 0) {
                        roots.add(floorDiv(num, den));
                    }
                }
                // falling on [K2, ∞): (K2 − K1) × N / S = p  ⇔  S = (K2 − K1) × N / p
                if (premium.signum() > 0) {
                    BigInteger num = w.multiply(n);
                    if (num.compareTo(k2.multiply(premium)) >= 0) {
                        roots.add(floorDiv(num, premium));
                    }
                }
            }
            default -> quoteBreakevens(structure.product(), k, n, premium, roots);
        }
        return List.copyOf(roots);
    }

    /**
     * The buyer's payout and profit at evenly spaced settlement prices from {@code from} to {@code to} (both
     * included), with every kink in that range added as an exact point so the chart's corners are exact. At
     * most {@code max(points, kinks in range + 2)} points: the grid gives up one slot per kink it adds.
     */
    public static List<CurvePoint> payoffCurve(
            OptionStructure structure, BigInteger premium, BigInteger from, BigInteger to, int points) {
        List<BigInteger> k = validatePayoff(structure);
        requireNonNegative(premium, "premium");
        requireNonNegative(from, "from");
        if (to == null || to.compareTo(from) <= 0) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "to must be above from");
        }
        if (points < 2 || points > MAX_CURVE_POINTS) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "points must be between 2 and " + MAX_CURVE_POINTS);
        }
        List<BigInteger> kinks = kinks(structure.product(), k).stream()
                .filter(x -> x.compareTo(from) >= 0 && x.compareTo(to) <= 0)
                .toList();
        int grid = Math.max(2, points - kinks.size());
        TreeSet<BigInteger> prices = new TreeSet<>(kinks);
        BigInteger span = to.subtract(from), steps = BigInteger.valueOf(grid - 1);
        for (int i = 0; i < grid; i++) {
            prices.add(from.add(floorDiv(span.multiply(BigInteger.valueOf(i)), steps)));
        }
        List<CurvePoint> curve = new ArrayList<>(prices.size());
        for (BigInteger s : prices) {
            BigInteger payout = payoutUnchecked(structure.product(), k, structure.contracts(), s);
            curve.add(new CurvePoint(s, payout, payout.subtract(premium)));
        }
        return curve;
    }

    // ---------------------------------------------------------------------------------------------
    // sizing and fees

    /**
     * How many contracts (collateral base units) an order's budget {@code maxCollateralUsable} allows
     * (REFERENCE §3.3). Maker short ({@code makerIsLong == false}): the budget pays collateral, {@code floor(M ×
     * 1e8 / c)} for quote products, {@code M} for INVERSE_CALL/PHYSICAL_CALL, {@code floor(M × K2 / (K2 − K1))}
     * for INVERSE_CALL_SPREAD. Maker long: the budget pays premium, {@code floor(M × 1e8 / price)}. These counts
     * stay within the budget whether the contract floors or rounds up its collateral. Contracts are in the
     * collateral's base units, so the result does not depend on the token's decimals. Subtract what the nonce
     * group has already filled from {@code budget} first.
     */
    public static BigInteger maxContracts(
            Product product, List<BigInteger> strikes, boolean makerIsLong, BigInteger price, BigInteger budget) {
        List<BigInteger> k = ascending(product, strikes);
        requireNonNegative(budget, "budget");
        if (makerIsLong) {
            return contractsForPremium(budget, price);
        }
        return switch (product) {
            case INVERSE_CALL, PHYSICAL_CALL -> budget;
            case INVERSE_CALL_SPREAD -> floorDiv(budget.multiply(k.get(1)), width(k, 0));
            default -> floorDiv(budget.multiply(PRICE_SCALE), collateralPerContract(product, k));
        };
    }

    /** Contracts a premium budget buys at {@code price} (collateral per contract × 1e8): {@code floor(B × 1e8 / price)}. */
    public static BigInteger contractsForPremium(BigInteger budget, BigInteger price) {
        requireNonNegative(budget, "budget");
        requirePositive(price, "price");
        return floorDiv(budget.multiply(PRICE_SCALE), price);
    }

    /** Premium the buyer pays for {@code contracts} at {@code price}: {@code floor(price × N / 1e8)}, as fillOrder. */
    public static BigInteger premium(BigInteger price, BigInteger contracts) {
        requireNonNegative(price, "price");
        requireNonNegative(contracts, "contracts");
        return floorDiv(price.multiply(contracts), PRICE_SCALE);
    }

    /**
     * Estimated protocol fee of a fill (REFERENCE §3.5): {@code min(N × 6 × P / 1e8 / 10000, premium × 125 /
     * 1000)} with {@code P} the underlying's spot (8 dp) for quote-collateral products and {@code 1e8} for
     * base-collateral products, whose {@code spot} argument is ignored (may be null). The on-chain rounding is
     * unverified; this floors each division in the order written.
     */
    public static BigInteger protocolFee(Product product, BigInteger contracts, BigInteger premium, BigInteger spot) {
        refuseRanger(product);
        requireNonNegative(contracts, "contracts");
        requireNonNegative(premium, "premium");
        BigInteger p = product.baseCollateral() ? PRICE_SCALE : spot;
        requirePositive(p, "spot price");
        BigInteger notionalFee =
                floorDiv(floorDiv(contracts.multiply(FEE_RATE_NUMERATOR).multiply(p), PRICE_SCALE), BPS);
        BigInteger premiumCap = floorDiv(premium.multiply(FEE_CAP_NUMERATOR), FEE_CAP_DENOMINATOR);
        return notionalFee.min(premiumCap);
    }

    /** The referrer's share of a fee at a split of {@code splitBps} basis points: {@code fee × splitBps / 10000}. */
    public static BigInteger referrerShare(BigInteger fee, int splitBps) {
        requireNonNegative(fee, "fee");
        if (splitBps < 0 || splitBps > 10_000) {
            throw new ApiException(ErrorCode.INVALID_AMOUNT, "splitBps must be between 0 and 10000");
        }
        return floorDiv(fee.multiply(BigInteger.valueOf(splitBps)), BPS);
    }

    // ---------------------------------------------------------------------------------------------
    // internals

    /** Checks the structure and returns its strikes ascending (see {@link #ascending}). */
    private static List<BigInteger> validate(OptionStructure structure) {
        List<BigInteger> k = ascending(structure.product(), structure.strikes());
        requireNonNegative(structure.contracts(), "contracts");
        return k;
    }

    private static List<BigInteger> validatePayoff(OptionStructure structure) {
        List<BigInteger> k = validate(structure);
        if (structure.product().physicallySettled()) {
            throw new ApiException(
                    ErrorCode.PRODUCT_UNSUPPORTED,
                    structure.product() + " settles by delivering tokens at the strike; only its collateral and"
                            + " sizing are computed");
        }
        return k;
    }

    private static BigInteger collateral(Product product, List<BigInteger> strikes, BigInteger n) {
        return switch (product) {
            case INVERSE_CALL, PHYSICAL_CALL -> n;
            case INVERSE_CALL_SPREAD -> floorDiv(n.multiply(width(strikes, 0)), strikes.get(1));
            default -> floorDiv(collateralPerContract(product, strikes).multiply(n), PRICE_SCALE);
        };
    }

    /** {@code c}: collateral per contract of a quote-collateral product, in 8-dp USD. */
    private static BigInteger collateralPerContract(Product product, List<BigInteger> k) {
        return switch (product) {
            case PUT, LINEAR_CALL, PHYSICAL_PUT -> k.get(0);
            case CALL_SPREAD, PUT_SPREAD, CALL_FLY, PUT_FLY, CALL_CONDOR, PUT_CONDOR -> width(k, 0);
            case IRON_CONDOR -> width(k, 0).max(width(k, 2));
            default -> throw new IllegalStateException(product + " is not quote-collateral"); // unreachable
        };
    }

    static BigInteger payoutUnchecked(Product product, List<BigInteger> k, BigInteger n, BigInteger s) {
        return switch (product) {
            case INVERSE_CALL -> inverse(call(s, k.get(0)), n, s);
            case INVERSE_CALL_SPREAD -> inverse(call(s, k.get(0)).subtract(call(s, k.get(1))), n, s);
            default -> floorDiv(intrinsic(product, k, s).multiply(n), PRICE_SCALE);
        };
    }

    /** Per-contract intrinsic value of a quote product at {@code s}, in 8-dp USD, as a sum of legs. */
    static BigInteger intrinsic(Product product, List<BigInteger> k, BigInteger s) {
        return switch (product) {
            case PUT -> put(s, k.get(0));
            case LINEAR_CALL -> call(s, k.get(0)).subtract(call(s, k.get(0).multiply(TWO)));
            case CALL_SPREAD -> call(s, k.get(0)).subtract(call(s, k.get(1)));
            case PUT_SPREAD -> put(s, k.get(1)).subtract(put(s, k.get(0)));
            case CALL_FLY ->
                call(s, k.get(0)).subtract(call(s, k.get(1)).multiply(TWO)).add(call(s, k.get(2)));
            case PUT_FLY ->
                put(s, k.get(0)).subtract(put(s, k.get(1)).multiply(TWO)).add(put(s, k.get(2)));
            case CALL_CONDOR ->
                call(s, k.get(0))
                        .subtract(call(s, k.get(1)))
                        .subtract(call(s, k.get(2)))
                        .add(call(s, k.get(3)));
            case PUT_CONDOR ->
                put(s, k.get(0))
                        .subtract(put(s, k.get(1)))
                        .subtract(put(s, k.get(2)))
                        .add(put(s, k.get(3)));
            case IRON_CONDOR ->
                put(s, k.get(1))
                        .subtract(put(s, k.get(0)))
                        .add(call(s, k.get(2)))
                        .subtract(call(s, k.get(3)));
            default -> throw new IllegalStateException(product + " has no cash intrinsic value"); // unreachable
        };
    }

    /**
     * Quote products: the intrinsic value is linear between consecutive knots (0, the kinks) and constant
     * beyond the last. On each sloped segment solve {@code f(S) = premium × 1e8 / N} exactly and floor.
     */
    private static void quoteBreakevens(
            Product product, List<BigInteger> k, BigInteger n, BigInteger premium, TreeSet<BigInteger> roots) {
        List<BigInteger> knots = new ArrayList<>();
        knots.add(BigInteger.ZERO);
        knots.addAll(kinks(product, k));
        BigInteger target = premium.multiply(PRICE_SCALE); // compared against y × N
        for (int i = 0; i + 1 < knots.size(); i++) {
            BigInteger x0 = knots.get(i), x1 = knots.get(i + 1);
            BigInteger y0 = intrinsic(product, k, x0), y1 = intrinsic(product, k, x1);
            BigInteger dy = y1.subtract(y0);
            if (dy.signum() == 0) {
                continue;
            }
            BigInteger lo = y0.min(y1).multiply(n), hi = y0.max(y1).multiply(n);
            if (target.compareTo(lo) < 0 || target.compareTo(hi) > 0) {
                continue;
            }
            // x = x0 + (t − y0) × (x1 − x0) / dy with t = premium × 1e8 / N, all over N × dy
            BigInteger num = x0.multiply(dy)
                    .multiply(n)
                    .add(target.subtract(y0.multiply(n)).multiply(x1.subtract(x0)));
            BigInteger den = dy.multiply(n);
            roots.add(floorDiv(num, den));
        }
    }

    private static BigInteger inverse(BigInteger usdValue, BigInteger n, BigInteger s) {
        return usdValue.signum() == 0 ? BigInteger.ZERO : floorDiv(usdValue.multiply(n), s);
    }

    private static BigInteger call(BigInteger s, BigInteger k) {
        return s.subtract(k).max(BigInteger.ZERO);
    }

    private static BigInteger put(BigInteger s, BigInteger k) {
        return k.subtract(s).max(BigInteger.ZERO);
    }

    private static BigInteger width(List<BigInteger> k, int lower) {
        return k.get(lower + 1).subtract(k.get(lower));
    }

    /** Floor division for any signs (BigInteger.divide truncates toward zero). */
    static BigInteger floorDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() != 0 && (qr[1].signum() != b.signum()) ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }

    private static void refuseRanger(Product product) {
        if (product == Product.RANGER) {
            throw new ApiException(
                    ErrorCode.PRODUCT_UNSUPPORTED,
                    "RANGER payoff and collateral are not established off-chain; use the implementation's"
                            + " calculatePayout");
        }
    }

    private static ApiException invalidStrikes(String message) {
        return new ApiException(ErrorCode.INVALID_STRIKES, message);
    }

    private static void requireNonNegative(BigInteger value, String name) {
        if (value == null || value.signum() < 0) {
            throw new ApiException(ErrorCode.INVALID_AMOUNT, name + " must be a non-negative integer");
        }
    }

    private static void requirePositive(BigInteger value, String name) {
        if (value == null || value.signum() <= 0) {
            throw new ApiException(ErrorCode.INVALID_AMOUNT, name + " must be positive");
        }
    }
}
