package io.nutsgate.orders;

import io.nutsgate.protocol.Product;
import java.util.Locale;

/** The query filters of {@code GET /nuts/orders}; null means "any". {@code collateral} is a token address. */
record OrderFilter(
        String underlying, Product product, Boolean isCall, Long minExpiry, Long maxExpiry, String collateral) {

    static final OrderFilter ANY = new OrderFilter(null, null, null, null, null, null);

    boolean accepts(LiveOrder o) {
        return (underlying == null || underlying.equalsIgnoreCase(o.underlying()))
                && (product == null || product == o.product())
                && (isCall == null || isCall == o.isCall())
                && (minExpiry == null || o.expiry() >= minExpiry)
                && (maxExpiry == null || o.expiry() <= maxExpiry)
                && (collateral == null
                        || collateral.equalsIgnoreCase(o.collateral().address()));
    }

    String cacheKey() {
        return String.join(
                "|",
                String.valueOf(underlying).toUpperCase(Locale.ROOT),
                String.valueOf(product),
                String.valueOf(isCall),
                String.valueOf(minExpiry),
                String.valueOf(maxExpiry),
                String.valueOf(collateral).toLowerCase(Locale.ROOT));
    }
}
