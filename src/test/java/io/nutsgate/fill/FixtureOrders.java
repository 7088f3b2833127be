package io.nutsgate.fill;

import io.nutsgate.orders.LiveOrder;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Deployments;
import io.nutsgate.support.FixtureUpstream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Hash;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The three orders of {@code fixtures/orders.json} as {@link LiveOrder}s, read directly from the JSON. */
final class FixtureOrders {

    static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private FixtureOrders() {}

    static JsonNode feed() {
        return JSON.readTree(FixtureUpstream.fixture("orders.json"));
    }

    /** The feed's signed order objects, in feed order. */
    static JsonNode signed(int index) {
        return feed().get("data").get("orders").get(index);
    }

    static List<LiveOrder> all() {
        JsonNode data = feed().get("data");
        List<LiveOrder> orders = new ArrayList<>();
        for (JsonNode signed : data.get("orders")) {
            orders.add(order(signed, data.get("market_data")));
        }
        return orders;
    }

    static LiveOrder order(JsonNode signed, JsonNode marketData) {
        Deployment d = Deployments.R12;
        JsonNode o = signed.get("order");
        String feedAddress = o.get("priceFeed").asString();
        String underlying = d.priceFeed(feedAddress).orElseThrow().underlying();
        List<BigInteger> strikes = new ArrayList<>();
        for (JsonNode s : o.get("strikes")) {
            strikes.add(new BigInteger(s.asString()));
        }
        BigDecimal spot = marketData.get(underlying).decimalValue();
        String signature = signed.get("signature").asString();
        return new LiveOrder(
                Hash.sha3(signature),
                d,
                d.optionBook(),
                d.chainId(),
                signed.get("nonce").asString(),
                d.product(o.get("implementation").asString()).orElseThrow(),
                underlying,
                d.token(o.get("collateral").asString()).orElseThrow(),
                o.get("maker").asString(),
                o.get("orderExpiryTimestamp").asLong(),
                o.get("isCall").asBoolean(),
                feedAddress,
                o.get("implementation").asString(),
                o.get("isLong").asBoolean(),
                new BigInteger(o.get("maxCollateralUsable").asString()),
                strikes,
                o.get("expiry").asLong(),
                new BigInteger(o.get("price").asString()),
                o.get("extraOptionData").asString(),
                signature,
                spot.movePointRight(8).setScale(0, RoundingMode.FLOOR).toBigIntegerExact(),
                signed.get("greeks"),
                o);
    }
}
