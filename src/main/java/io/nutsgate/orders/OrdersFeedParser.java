package io.nutsgate.orders;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.JsonFields;
import io.nutsgate.optionmath.OptionMath;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.protocol.Product;
import io.nutsgate.thetanuts.UpstreamException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the feed's body into {@link OrdersFeed}. A body without an orders array is a bad response; a single
 * malformed or non-allowlisted order is dropped and counted in {@code nuts.orders.rejected} by reason:
 * {@code malformed}, {@code nonce} (a given {@code nonce} other than the one computed from the signed fields),
 * {@code out_of_range} (a strike, price or budget negative or above 2^256−1),
 * {@code num_contracts} (negative or not an integer), {@code option_book}, {@code chain}, {@code implementation},
 * {@code price_feed}, {@code collateral}, {@code strikes} (count, zero, shape) and {@code price} (zero). Strikes
 * are kept in the order the feed gives them (put structures come descending, REFERENCE §4.1a).
 */
class OrdersFeedParser {

    private static final int SIGNATURE_HEX_LENGTH = 2 + 130;

    private final JsonMapper json;
    private final Platform platform;
    private final MeterRegistry meters;

    OrdersFeedParser(JsonMapper json, Platform platform, MeterRegistry meters) {
        this.json = json;
        this.platform = platform;
        this.meters = meters;
    }

    OrdersFeed parse(byte[] body) {
        JsonNode root = json.readTree(body);
        if (root == null || !root.isObject()) {
            throw UpstreamException.badResponse("orders feed is not a JSON object");
        }
        JsonNode data = root.path("data").isObject() ? root.get("data") : root; // legacy: top-level orders
        JsonNode orders = data.get("orders");
        if (orders == null || !orders.isArray()) {
            throw UpstreamException.badResponse("orders feed has no orders array");
        }
        JsonNode marketData = data.path("market_data");
        Map<String, BigInteger> spots = spotPrices(marketData);
        List<LiveOrder> accepted = new ArrayList<>();
        for (JsonNode signed : orders) {
            try {
                accepted.add(order(signed, spots));
            } catch (Rejected r) {
                Counter.builder("nuts.orders.rejected")
                        .description("Feed orders left out, by reason")
                        .tag("reason", r.reason)
                        .register(meters)
                        .increment();
            }
        }
        String timestamp = JsonFields.text(data.get("timestamp")).orElse(null);
        Long lastUpdated =
                JsonFields.seconds(root.path("metadata").get("last_updated")).orElse(null);
        return new OrdersFeed(accepted, marketData.isObject() ? marketData : null, spots, timestamp, lastUpdated);
    }

    private LiveOrder order(JsonNode signed, Map<String, BigInteger> spots) {
        JsonNode o = signed.path("order");
        if (!o.isObject()) {
            throw new Rejected("malformed");
        }
        String signature = JsonFields.hex(signed.get("signature"))
                .filter(s -> s.length() == SIGNATURE_HEX_LENGTH)
                .orElseThrow(() -> new Rejected("malformed"));
        Optional<String> book = JsonFields.address(signed.get("optionBookAddress"));
        if (signed.hasNonNull("optionBookAddress") && book.isEmpty()) {
            throw new Rejected("malformed");
        }
        // No book named: the order is for the active one.
        Deployment deployment = book.isEmpty() || platform.deployment().isOptionBook(book.get())
                ? platform.deployment()
                : platform.byOptionBook(book.get()).orElseThrow(() -> new Rejected("option_book"));
        long chainId = JsonFields.seconds(signed.get("chainId")).orElse(deployment.chainId());
        if (chainId != deployment.chainId()) {
            throw new Rejected("chain");
        }

        String maker = required(JsonFields.address(o.get("maker")));
        long quoteExpiry = required(JsonFields.seconds(o.get("orderExpiryTimestamp")));
        String collateralAddress = required(JsonFields.address(o.get("collateral")));
        boolean isCall = required(JsonFields.bool(o.get("isCall")));
        String feedAddress = required(JsonFields.address(o.get("priceFeed")));
        String implementation = required(JsonFields.address(o.get("implementation")));
        boolean isLong = required(JsonFields.bool(o.get("isLong")));
        BigInteger maxCollateral = uint256(o.get("maxCollateralUsable"));
        long expiry = required(JsonFields.seconds(o.get("expiry")));
        BigInteger price = uint256(o.get("price"));
        if (o.hasNonNull("numContracts")) {
            // not signed and "0" in the feed, but a negative or fractional count is not an order we can pass on
            JsonNode n = o.get("numContracts");
            if (JsonFields.integer(n).filter(v -> v.signum() >= 0).isEmpty()) {
                throw new Rejected("num_contracts");
            }
            uint256(n);
        }
        String extra = o.hasNonNull("extraOptionData") ? required(JsonFields.hex(o.get("extraOptionData"))) : "0x";
        JsonNode strikeNodes = o.get("strikes");
        if (strikeNodes == null || !strikeNodes.isArray() || strikeNodes.isEmpty()) {
            throw new Rejected("malformed");
        }
        List<BigInteger> strikes = new ArrayList<>();
        for (JsonNode s : strikeNodes) {
            strikes.add(uint256(s));
        }

        Product product = deployment.product(implementation).orElseThrow(() -> new Rejected("implementation"));
        Deployment.PriceFeed feed = deployment.priceFeed(feedAddress).orElseThrow(() -> new Rejected("price_feed"));
        Deployment.Token collateral = deployment.token(collateralAddress).orElseThrow(() -> new Rejected("collateral"));
        if (strikes.size() != product.strikeCount() || strikes.stream().anyMatch(k -> k.signum() == 0)) {
            throw new Rejected("strikes"); // wrong count or a zero strike, RANGER included
        }
        if (product != Product.RANGER) {
            try {
                OptionMath.validateStrikes(product, strikes); // equidistant flies, equal condor wings, …
            } catch (ApiException e) {
                throw new Rejected("strikes");
            }
        }
        if (price.signum() == 0) {
            throw new Rejected("price");
        }
        String id = Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(signature)));
        // The feed's nonce is optional; the book derives it from the signed fields (REFERENCE §2.5), so a given one
        // that differs names another nonce group than the fill would use: the quote is left out.
        BigInteger computed = computeNonce(
                maker, quoteExpiry, collateralAddress, isCall, feedAddress, implementation, isLong, maxCollateral);
        if (signed.hasNonNull("nonce")
                && !JsonFields.unsigned(signed.get("nonce"))
                        .map(computed::equals)
                        .orElse(false)) {
            throw new Rejected("nonce");
        }
        String nonce = computed.toString();
        JsonNode greeks = signed.path("greeks").isObject() ? signed.get("greeks") : null;
        return new LiveOrder(
                id,
                deployment,
                deployment.optionBook(),
                chainId,
                nonce,
                product,
                feed.underlying(),
                collateral,
                maker.toLowerCase(Locale.ROOT),
                quoteExpiry,
                isCall,
                feedAddress,
                implementation,
                isLong,
                maxCollateral,
                strikes,
                expiry,
                price,
                extra,
                signature,
                spots.get(feed.underlying()),
                greeks,
                o);
    }

    /**
     * {@code uint256(keccak256(abi.encode(maker, orderExpiryTimestamp, collateral, isCall, priceFeed, implementation,
     * isLong, maxCollateralUsable)))}: the OptionBook's {@code computeNonce} (REFERENCE §2.5), encoded with web3j.
     */
    static BigInteger computeNonce(
            String maker,
            long orderExpiryTimestamp,
            String collateral,
            boolean isCall,
            String priceFeed,
            String implementation,
            boolean isLong,
            BigInteger maxCollateralUsable) {
        String encoded = TypeEncoder.encode(new Address(maker))
                + TypeEncoder.encode(new Uint256(orderExpiryTimestamp))
                + TypeEncoder.encode(new Address(collateral))
                + TypeEncoder.encode(new Bool(isCall))
                + TypeEncoder.encode(new Address(priceFeed))
                + TypeEncoder.encode(new Address(implementation))
                + TypeEncoder.encode(new Bool(isLong))
                + TypeEncoder.encode(new Uint256(maxCollateralUsable));
        return Numeric.toBigInt(Hash.sha3(Numeric.hexStringToByteArray(encoded)));
    }

    /** Spot prices as 8-decimal integers (floored), from the feed's plain-USD floats. */
    private static Map<String, BigInteger> spotPrices(JsonNode marketData) {
        Map<String, BigInteger> spots = new HashMap<>();
        if (marketData != null && marketData.isObject()) {
            for (Map.Entry<String, JsonNode> e : marketData.properties()) {
                JsonNode v = e.getValue();
                if (v.isNumber() && v.decimalValue().signum() > 0) {
                    BigDecimal usd = v.decimalValue();
                    spots.put(
                            e.getKey().toUpperCase(Locale.ROOT),
                            usd.movePointRight(8)
                                    .setScale(0, RoundingMode.FLOOR)
                                    .toBigIntegerExact());
                }
            }
        }
        return spots;
    }

    /** A uint256 field: not an integer is malformed; negative or above 2^256−1 is out of range. */
    private static BigInteger uint256(JsonNode node) {
        BigInteger value = required(JsonFields.integer(node));
        if (value.signum() < 0 || value.bitLength() > 256) {
            throw new Rejected("out_of_range");
        }
        return value;
    }

    private static <T> T required(Optional<T> value) {
        return value.orElseThrow(() -> new Rejected("malformed"));
    }

    private static final class Rejected extends RuntimeException {
        final String reason;

        Rejected(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }
}
