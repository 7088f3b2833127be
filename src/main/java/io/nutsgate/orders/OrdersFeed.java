package io.nutsgate.orders;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The orders feed after validation: the orders we accept, the feed's market data and its own timestamps. */
public record OrdersFeed(
        List<LiveOrder> orders,
        JsonNode marketData,
        Map<String, BigInteger> spotPrices,
        String timestamp,
        Long lastUpdated) {

    public OrdersFeed {
        orders = List.copyOf(orders);
        spotPrices = Map.copyOf(spotPrices);
    }
}
