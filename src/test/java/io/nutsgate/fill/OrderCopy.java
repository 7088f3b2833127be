package io.nutsgate.fill;

import io.nutsgate.orders.LiveOrder;
import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.util.List;

/** A fixture order with some fields changed, for the cases the feed does not contain. */
final class OrderCopy {

    private final LiveOrder base;
    private Product product;
    private String implementation;
    private boolean isLong;
    private long orderExpiryTimestamp;
    private long expiry;
    private BigInteger spotPrice;
    private List<BigInteger> strikes;
    private BigInteger maxCollateralUsable;

    private OrderCopy(LiveOrder base) {
        this.base = base;
        this.product = base.product();
        this.implementation = base.implementation();
        this.isLong = base.isLong();
        this.orderExpiryTimestamp = base.orderExpiryTimestamp();
        this.expiry = base.expiry();
        this.spotPrice = base.spotPrice();
        this.strikes = base.strikes();
        this.maxCollateralUsable = base.maxCollateralUsable();
    }

    static OrderCopy of(LiveOrder base) {
        return new OrderCopy(base);
    }

    OrderCopy product(Product product, String implementation) {
        this.product = product;
        this.implementation = implementation;
        return this;
    }

    OrderCopy isLong(boolean isLong) {
        this.isLong = isLong;
        return this;
    }

    OrderCopy orderExpiryTimestamp(long seconds) {
        this.orderExpiryTimestamp = seconds;
        return this;
    }

    OrderCopy expiry(long seconds) {
        this.expiry = seconds;
        return this;
    }

    OrderCopy spotPrice(BigInteger spot) {
        this.spotPrice = spot;
        return this;
    }

    OrderCopy strikes(List<BigInteger> strikes) {
        this.strikes = strikes;
        return this;
    }

    OrderCopy maxCollateralUsable(BigInteger max) {
        this.maxCollateralUsable = max;
        return this;
    }

    LiveOrder build() {
        return new LiveOrder(
                base.id(),
                base.deployment(),
                base.optionBook(),
                base.chainId(),
                base.nonce(),
                product,
                base.underlying(),
                base.collateral(),
                base.maker(),
                orderExpiryTimestamp,
                base.isCall(),
                base.priceFeed(),
                implementation,
                isLong,
                maxCollateralUsable,
                strikes,
                expiry,
                base.price(),
                base.extraOptionData(),
                base.signature(),
                spotPrice,
                base.greeks(),
                base.rawOrder());
    }
}
