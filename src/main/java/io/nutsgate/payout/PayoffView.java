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

    /** Settlement price in USD, buyer payout and buyer profit in the collateral token, each also raw. */
    @Schema(name = "PayoffPoint")
    record Point(
            @Schema(example = "2600") String price,
            @Schema(example = "260000000000") String priceRaw,
            @Schema(example = "100") String payout,
            @Schema(example = "100000000") String payoutRaw,
            @Schema(example = "57.85") String profit,
            @Schema(example = "57850000") String profitRaw) {}
}
