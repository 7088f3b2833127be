package io.nutsgate.optionmath;

import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * An option structure (product, strikes, size) in on-chain units: strikes in 8-decimal USD, {@code contracts} in the collateral token's
 * base units per contract (1 contract = 10^collateralDecimals, REFERENCE §3.1). The integer formulas do not
 * depend on the decimals (that is the point of the working rule); they are carried so amounts can be shown as
 * decimal strings. Validation of the strike shape happens in {@link OptionMath}, not here, so a position
 * read from an upstream can be represented before it is judged.
 */
public record OptionStructure(Product product, List<BigInteger> strikes, BigInteger contracts, int collateralDecimals) {

    public OptionStructure {
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(contracts, "contracts");
        strikes = List.copyOf(strikes);
        if (collateralDecimals < 0 || collateralDecimals > 36) {
            throw new IllegalArgumentException("collateralDecimals out of range: " + collateralDecimals);
        }
    }
}
