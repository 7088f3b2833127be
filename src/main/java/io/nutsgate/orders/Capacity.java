package io.nutsgate.orders;

import java.math.BigInteger;
import java.util.Optional;

/** How many contracts an order's signed budget covers (REFERENCE §3.3). */
final class Capacity {

    private Capacity() {}

    static Optional<BigInteger> maxContracts(LiveOrder o) {
        return Optional.empty();
    }
}
