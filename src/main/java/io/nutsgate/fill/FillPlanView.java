package io.nutsgate.fill;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nutsgate.common.Amount;
import io.nutsgate.common.Checksummed;
import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Everything a wallet needs to fill an order: the sizing, the allowance, and two transactions to sign in order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "FillPlan")
record FillPlanView(
        String orderId,
        @Schema(example = "CALL_SPREAD") String product,
        @Schema(example = "CALL_SPREAD") String optionType,
        @Schema(example = "ETH") String underlying,
        @Schema(description = "BUY: the taker pays the premium; SELL: the taker posts collateral", example = "BUY")
                String takerSide,
        Deployment.Token collateralToken,
        Amount numContracts,
        @Schema(description = "contracts the order's remaining signed budget allows (before other fills)")
                Amount maxContracts,
        @Schema(description = "true when the budget bought more than the order's capacity and was cut to it")
                boolean capped,
        @Schema(description = "premium per contract") Amount price,
        @Schema(description = "premium the buyer pays: floor(price × numContracts / 1e8)") Amount premium,
        @Schema(description = "collateral the seller locks") Amount collateral,
        @Schema(
                        description =
                                "protocol fee estimate, taken out of the premium the seller receives; absent when the "
                                        + "underlying's spot price is unknown")
                Amount estimatedFee,
        @Schema(example = "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d") @Checksummed String referrer,
        @Schema(
                        description =
                                "the referrer's share of the fee at ALPHABIT_REFERRER_FEE_SPLIT_BPS; absent when that "
                                        + "split is not configured")
                Amount estimatedReferrerFee,
        Approval approval,
        @Schema(description = "sign and send in this order: approve, then fillOrder") List<Tx> transactions,
        @Schema(description = "unix seconds after which the quote cannot be filled") long quoteExpiresAt,
        @Schema(description = "option expiry, unix seconds") long expiry,
        @Schema(description = "the taker's balance and allowance on chain; absent without a taker or" + " BASE_RPC_URL")
                TakerState taker,
        Simulation simulation) {

    @Schema(name = "TakerState")
    record TakerState(
            Amount balance,
            Amount allowance,
            @Schema(description = "the approve transaction is still needed") boolean approvalNeeded,
            @Schema(description = "the balance covers what the fill takes") boolean balanceSufficient) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(
            name = "Simulation",
            description = "eth_call of fillOrder from the taker at the latest block, with the approval assumed given")
    record Simulation(
            boolean ok,
            @Schema(description = "true without BASE_RPC_URL, without a taker, or when the node failed")
                    boolean skipped,
            @Schema(example = "Exceeds max collateral") String revertReason,
            @Schema(description = "why the simulation was skipped") String skippedReason) {}

    @Schema(name = "Approval", description = "ERC-20 allowance the OptionBook needs from the taker")
    record Approval(
            @Schema(example = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913") @Checksummed String token,
            @Schema(description = "the order's OptionBook", example = "0x1bDff855d6811728acaDC00989e79143a2bdfDed")
                    @Checksummed
                    String spender,
            Amount amount) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "Transaction")
    record Tx(
            @Schema(example = "approve") String kind,
            @Schema(description = "the taker, when given") @Checksummed String from,
            @Schema(example = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913") @Checksummed String to,
            @Schema(example = "0x095ea7b3…") String data,
            @Schema(description = "wei sent with the transaction, as wallets take it (always \"0\")", example = "0")
                    String value) {}
}
