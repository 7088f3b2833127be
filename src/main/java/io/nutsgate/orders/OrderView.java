package io.nutsgate.orders;

import io.nutsgate.common.Amount;
import io.nutsgate.common.Checksummed;
import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** An order as the frontend gets it: resolved names, amounts as {raw, value}, and the signed order itself. */
@Schema(description = "A live order of the OptionBook feed, normalised")
record OrderView(
        @Schema(description = "Stable id: keccak-256 of the maker's signature", example = "0x5f0c…") String id,
        @Schema(example = "ETH") String underlying,
        @Schema(example = "CALL_SPREAD") String product,
        @Schema(example = "SPREAD") String structure,
        boolean isCall,
        @Schema(description = "Maker's side: SELL when the maker is short and the taker buys", example = "SELL")
                String makerSide,
        @Schema(example = "BUY") String takerSide,
        @Schema(description = "Strikes, USD with 8 decimals") List<Amount> strikes,
        @Schema(description = "Premium per contract in the collateral token (raw: collateral units × 1e8, 8 decimals)")
                Amount price,
        Deployment.Token collateral,
        @Schema(description = "Option expiry, unix seconds", example = "1781251200") long expiry,
        @Schema(description = "When the signed quote stops being fillable, unix seconds", example = "1780480855")
                long orderExpiryTimestamp,
        CapacityView capacity,
        @Schema(description = "Pricing-model greeks as the feed gives them; may be null") JsonNode greeks,
        @Checksummed String optionBookAddress,
        long chainId,
        @Schema(description = "The order's uint256 nonce, a decimal string") String nonce,
        @Schema(
                        description = "The feed's signed order: its numbers as the feed gave them, its addresses "
                                + "EIP-55 checksummed (the signature does not depend on their case). Pass it to "
                                + "fillOrder with numContracts set")
                JsonNode order,
        String signature) {

    @Schema(description = "What the maker's signed budget still allows (not net of fills already made on chain)")
    record CapacityView(
            @Schema(description = "The maker's signed budget in the collateral token") Amount maxCollateralUsable,
            @Schema(
                            description = "Contracts the budget covers (collateral-token decimals), net of fills when"
                                    + " remainingCollateral is known; null when unknown (RANGER)")
                    Amount maxContracts,
            @Schema(
                            description = "maxCollateralUsable − amountFilled(nonce) read on chain; null without"
                                    + " BASE_RPC_URL or while the node has not answered for this nonce")
                    Amount remainingCollateral,
            @Schema(
                            description = "where maxContracts comes from: chain (net of amountFilled read at readAt) or"
                                    + " signed (the signed budget: chain off, or the node has not answered yet)",
                            example = "chain")
                    String source,
            @Schema(
                            description = "when amountFilled was read, unix seconds (its age is now − readAt);"
                                    + " null when source is signed",
                            example = "1780480790")
                    Long readAt) {

        static final String CHAIN = "chain";
        static final String SIGNED = "signed";
    }
}
