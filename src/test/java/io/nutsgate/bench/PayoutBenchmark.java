package io.nutsgate.bench;

import io.nutsgate.optionmath.CurvePoint;
import io.nutsgate.optionmath.OptionMath;
import io.nutsgate.optionmath.OptionStructure;
import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@link OptionMath#payout} over a mixed portfolio of every supported product (payouts per
 * second), and the time to draw a 1,000-point payoff curve. Run with {@code bench/jmh.sh}.
 */
public class PayoutBenchmark {

    static final int PORTFOLIO = 1024;

    private static final List<Product> SUPPORTED = List.of(
            Product.PUT,
            Product.LINEAR_CALL,
            Product.INVERSE_CALL,
            Product.CALL_SPREAD,
            Product.PUT_SPREAD,
            Product.INVERSE_CALL_SPREAD,
            Product.CALL_FLY,
            Product.PUT_FLY,
            Product.CALL_CONDOR,
            Product.PUT_CONDOR,
            Product.IRON_CONDOR);

    private static final BigInteger E8 = BigInteger.TEN.pow(8);

    /** 1,024 positions cycling through the 11 supported products, random strikes, sizes and settlement prices. */
    @State(Scope.Benchmark)
    public static class Portfolio {
        OptionStructure[] positions;
        BigInteger[] settlements;

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(20260603);
            positions = new OptionStructure[PORTFOLIO];
            settlements = new BigInteger[PORTFOLIO];
            for (int i = 0; i < PORTFOLIO; i++) {
                Product product = SUPPORTED.get(i % SUPPORTED.size());
                long spot = 1_000 + random.nextLong(100_000); // USD
                long width = 10 + random.nextLong(spot / 10);
                int decimals = product.baseCollateral() ? 18 : 6;
                BigInteger contracts =
                        BigInteger.valueOf(1 + random.nextLong(1_000_000)).multiply(BigInteger.TEN.pow(decimals - 3));
                positions[i] = new OptionStructure(product, strikes(product, spot, width), contracts, decimals);
                settlements[i] =
                        BigInteger.valueOf(spot / 2 + random.nextLong(spot)).multiply(E8);
            }
        }
    }

    /** One contract of a product around $2,500 with $100 wings, charted over its strikes ±20 %. */
    @State(Scope.Benchmark)
    public static class Curve {
        @Param({"CALL_SPREAD", "IRON_CONDOR", "INVERSE_CALL_SPREAD"})
        public String product;

        OptionStructure position;
        BigInteger premium;
        BigInteger from;
        BigInteger to;

        @Setup
        public void setUp() {
            Product p = Product.valueOf(product);
            int decimals = p.baseCollateral() ? 18 : 6;
            position = new OptionStructure(p, strikes(p, 2_500, 100), BigInteger.TEN.pow(decimals), decimals);
            premium = OptionMath.collateral(position).divide(BigInteger.valueOf(5));
            List<BigInteger> k = position.strikes();
            from = k.get(0).multiply(BigInteger.valueOf(8)).divide(BigInteger.TEN);
            to = k.get(k.size() - 1).multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN);
        }
    }

    private static List<BigInteger> strikes(Product product, long spot, long width) {
        List<BigInteger> k = new ArrayList<>();
        long lowest = spot - width * (product.strikeCount() / 2);
        for (int i = 0; i < product.strikeCount(); i++) {
            // condors and iron condors get a gap of one width between the inner strikes
            long gap = product.strikeCount() == 4 && i >= 2 ? width : 0;
            k.add(BigInteger.valueOf(lowest + width * i + gap).multiply(E8));
        }
        return k;
    }

    /** One operation = one payout; the score is payouts per second over the mixed portfolio. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(PORTFOLIO)
    public void payouts(Portfolio portfolio, Blackhole blackhole) {
        for (int i = 0; i < PORTFOLIO; i++) {
            blackhole.consume(OptionMath.payout(portfolio.positions[i], portfolio.settlements[i]));
        }
    }

    /** A 1,000-point chart: validation, kinks, 1,000 payouts and the list. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<CurvePoint> payoffCurve1000(Curve curve) {
        return OptionMath.payoffCurve(curve.position, curve.premium, curve.from, curve.to, 1000);
    }
}
