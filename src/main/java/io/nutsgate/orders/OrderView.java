package io.nutsgate.orders;

import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** An order as the frontend gets it: resolved names, raw and decimal amounts, and the signed order untouched. */
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
        @Schema(description = "Strikes, 8-decimal USD integers", example = "[\"250000000000\",\"270000000000\"]")
                List<String> strikes,
        @Schema(example = "[\"2500\",\"2700\"]") List<String> strikesDecimal,
        @Schema(description = "Premium per contract in collateral units × 1e8", example = "4215000000") String price,
        @Schema(description = "Premium per contract in collateral token units", example = "42.15") String priceDecimal,
        Deployment.Token collateral,
        @Schema(description = "Option expiry, unix seconds", example = "1781251200") long expiry,
        @Schema(description = "When the signed quote stops being fillable, unix seconds", example = "1780480855")
                long orderExpiryTimestamp,
        CapacityView capacity,
        @Schema(description = "Pricing-model greeks as the feed gives them; may be null") JsonNode greeks,
        String optionBookAddress,
        long chainId,
        String nonce,
        @Schema(description = "The feed's order object, untouched: pass it to fillOrder with numContracts set")
                JsonNode order,
        String signature) {

    @Schema(description = "What the maker's signed budget still allows (not net of fills already made on chain)")
    record CapacityView(
            @Schema(example = "20000000000") String maxCollateralUsable,
            @Schema(example = "20000") String maxCollateralUsableDecimal,
            @Schema(
                            description = "Contracts (collateral-decimal units) the budget covers; null when unknown",
                            example = "100000000")
                    String maxContracts,
            @Schema(example = "100") String maxContractsDecimal,
            @Schema(
                            description = "maxCollateralUsable − amountFilled(nonce) read on chain (maxContracts is"
                                    + " then net of fills); null without BASE_RPC_URL or when the node failed",
                            example = "15255041600")
                    String remainingCollateral,
            @Schema(example = "15255.0416") String remainingCollateralDecimal) {}
}
