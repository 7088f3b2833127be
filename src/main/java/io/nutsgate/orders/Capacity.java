package io.nutsgate.orders;

import io.nutsgate.chain.Product;
import io.nutsgate.payout.OptionMath;
import java.math.BigInteger;
import java.util.Optional;

/** How many contracts an order's signed budget covers (REFERENCE §3.3); unknown for RANGER. */
final class Capacity {

    private Capacity() {}

    static Optional<BigInteger> maxContracts(LiveOrder o) {
        if (o.product() == Product.RANGER) {
            return Optional.empty();
        }
        return Optional.of(
                OptionMath.maxContracts(o.product(), o.strikes(), o.isLong(), o.price(), o.maxCollateralUsable()));
    }
}
