package io.nutsgate.orders;

import io.nutsgate.common.Amount;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

@Schema(description = "Live orders with the feed's market prices")
record OrdersView(
        List<OrderView> orders,
        int count,
        @Schema(description = "Spot prices by underlying, USD with 8 decimals (the feed's floats, floored)")
                Map<String, Amount> marketData,
        @Schema(description = "The feed's build time (its timestamp), unix seconds; null when it gives none")
                Long builtAt,
        @Schema(description = "The feed's build time as it gives it (ISO-8601)") String builtAtIso,
        @Schema(description = "The feed's metadata.last_updated, unix seconds; null when it gives none")
                Long lastUpdatedAt,
        @Schema(description = "When nutsgate fetched the feed, unix seconds") Instant fetchedAt,
        @Schema(description = "The same, ISO-8601") String fetchedAtIso,
        @Schema(
                        description = "Orders left out because their nonce is cancelled or its budget used up on chain;"
                                + " null when the chain was not read")
                LeftOut leftOut) {

    record LeftOut(int cancelled, int full) {}
}
