package io.nutsgate.orders;

import io.nutsgate.chain.Deployment;
import io.nutsgate.chain.Product;
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

    /** The maker sells (isLong false), so the taker buys and pays the premium. */
    public boolean takerBuys() {
        return !isLong;
    }

    /** The signed quote is still fillable {@code marginSeconds} from {@code nowSeconds}. */
    public boolean quoteValidAt(long nowSeconds, long marginSeconds) {
        return orderExpiryTimestamp > nowSeconds + marginSeconds && expiry > nowSeconds;
    }
}
