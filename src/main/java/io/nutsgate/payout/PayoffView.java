package io.nutsgate.payout;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nutsgate.common.Amount;
import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The buyer's profit curve of an order for a chart; every kink in range is one of the points. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Payoff")
record PayoffView(
        String orderId,
        @Schema(example = "CALL_SPREAD") String product,
        @Schema(example = "CALL_SPREAD") String optionType,
        @Schema(example = "ETH") String underlying,
        Deployment.Token collateralToken,
        Amount numContracts,
        @Schema(description = "true when the amount bought more than the order's capacity and was cut to it")
                boolean capped,
        Amount premium,
        Amount maxPayout,
        PayoutView.SideAmounts maxLoss,
        List<Amount> breakevens,
        Amount from,
        Amount to,
        List<Point> points) {

    /** Settlement price (USD, 8 decimals), buyer payout and buyer profit (collateral token) at one point. */
    @Schema(name = "PayoffPoint")
    record Point(
            @Schema(description = "settlement price, USD with 8 decimals") Amount price,
            @Schema(description = "what the buyer receives, in the collateral token") Amount payout,
            @Schema(description = "payout − premium; negative below breakeven") Amount profit) {}
}
