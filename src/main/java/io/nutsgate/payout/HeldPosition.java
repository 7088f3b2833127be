package io.nutsgate.payout;

import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.util.List;

/**
 * A filled position as the payout endpoint needs it: the option's shape and size, the premium the buyer paid
 * ({@code entryPremium}) and, once settled, the settlement price (8 dp; null while open).
 */
public record HeldPosition(
        String optionAddress,
        Product product,
        List<BigInteger> strikes,
        BigInteger contracts,
        Deployment.Token collateral,
        BigInteger premium,
        String underlying,
        BigInteger settlementPrice) {

    public HeldPosition {
        strikes = List.copyOf(strikes);
    }
}
