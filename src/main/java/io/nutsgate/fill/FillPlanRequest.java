package io.nutsgate.fill;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;

/**
 * How much to fill: {@code usdcAmount} (a budget in the order's collateral token: the premium to spend when
 * the taker buys, the collateral to post when the taker sells) or {@code numContracts}. Exactly one.
 */
@Schema(
        name = "FillPlanRequest",
        example = "{\"usdcAmount\":\"1000\",\"taker\":\"0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c\"}")
record FillPlanRequest(
        @Schema(description = "budget in the order's collateral token (USDC for USDC orders)", example = "1000")
                @Size(max = 80)
                String usdcAmount,
        @Schema(description = "contracts to fill", example = "23.724792") @Size(max = 80) String numContracts,
        @Schema(
                        description = "the wallet that will send the transactions (set as their from)",
                        example = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c")
                @Size(max = 42)
                String taker) {}
