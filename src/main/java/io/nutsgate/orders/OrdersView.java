package io.nutsgate.orders;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import tools.jackson.databind.JsonNode;

@Schema(description = "Live orders with the feed's market prices")
record OrdersView(
        List<OrderView> orders,
        int count,
        @Schema(
                        description = "Spot prices in USD as the feed gives them",
                        example = "{\"BTC\":97210.55,\"ETH\":2450.37}")
                JsonNode marketData,
        @Schema(description = "The feed's build time, as it gives it") String timestamp,
        @Schema(description = "The feed's metadata.last_updated (epoch ms)") Long lastUpdated,
        @Schema(description = "When nutsgate fetched the feed (epoch ms)") long fetchedAt,
        @Schema(description = "Orders left out because their nonce is cancelled or its budget used up on chain")
                LeftOut leftOut) {

    record LeftOut(int cancelled, int full) {}
}
