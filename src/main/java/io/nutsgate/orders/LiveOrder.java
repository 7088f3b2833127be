package io.nutsgate.orders;

import io.nutsgate.optionmath.OptionMath;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One signed order of the feed, validated and resolved against its deployment. {@code rawOrder} is the
 * feed's {@code order} object untouched, so it can be handed to {@code fillOrder} as signed.
 */
public record LiveOrder(
        String id,
        Deployment deployment,
        String optionBook,
        long chainId,
        String nonce,
        Product product,
        String underlying,
        Deployment.Token collateral,
        String maker,
        long orderExpiryTimestamp,
        boolean isCall,
        String priceFeed,
        String implementation,
        boolean isLong,
        BigInteger maxCollateralUsable,
        List<BigInteger> strikes,
        long expiry,
        BigInteger price,
        String extraOptionData,
        String signature,
        BigInteger spotPrice,
        JsonNode greeks,
        JsonNode rawOrder) {

    public LiveOrder {
        strikes = List.copyOf(strikes);
    }

    /**
     * Contracts (collateral base units) the maker's signed budget covers (REFERENCE §3.3), not net of fills
     * already made on chain. {@code PRODUCT_UNSUPPORTED} for RANGER, whose collateral is not known.
     */
    public BigInteger maxContracts() {
        return OptionMath.maxContracts(product, strikes, isLong, price, maxCollateralUsable);
    }

    /** Contracts a remaining budget ({@code maxCollateralUsable − amountFilled(nonce)}) covers. */
    public BigInteger maxContracts(BigInteger remainingBudget) {
        return OptionMath.maxContracts(product, strikes, isLong, price, remainingBudget.max(BigInteger.ZERO));
    }

    /** The maker sells (isLong false), so the taker buys and pays the premium. */
    public boolean takerBuys() {
        return !isLong;
    }

    /** The signed quote is still fillable {@code marginSeconds} from {@code nowSeconds}. */
    public boolean quoteValidAt(long nowSeconds, long marginSeconds) {
        return orderExpiryTimestamp > nowSeconds + marginSeconds && expiry > nowSeconds;
    }
}
