package io.nutsgate.payout;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nutsgate.common.Amount;
import io.nutsgate.common.Checksummed;
import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A position's risk profile and, when a settlement price was given, its outcome there. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Payout")
record PayoutView(
        @Schema(description = "order, orderId or optionAddress", example = "order") String source,
        String orderId,
        @Checksummed String optionAddress,
        @Schema(example = "CALL_SPREAD") String product,
        @Schema(description = "label of the structure", example = "CALL_SPREAD") String optionType,
        @Schema(example = "SPREAD") String structure,
        @Schema(example = "ETH") String underlying,
        Deployment.Token collateralToken,
        List<Amount> strikes,
        Amount numContracts,
        @Schema(description = "premium per contract in the collateral token") Amount price,
        @Schema(description = "premium the buyer pays (or paid) in total") Amount premium,
        @Schema(description = "collateral the seller locks") Amount collateral,
        @Schema(description = "most the buyer can receive (= collateral)") Amount maxPayout,
        SideAmounts maxLoss,
        @Schema(description = "settlement prices (USD) where the buyer's profit is zero, floored to 8 decimals")
                List<Amount> breakevens,
        AtSettlement atSettlement) {

    @Schema(name = "SideAmounts")
    record SideAmounts(Amount buyer, Amount seller) {}

    @Schema(name = "AtSettlement", description = "Outcome at one settlement price; fees are not included")
    record AtSettlement(Amount settlementPrice, Amount payout, Amount sellerReturn, SideAmounts profit) {}
}
