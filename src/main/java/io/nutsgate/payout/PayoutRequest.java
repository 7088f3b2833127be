package io.nutsgate.payout;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What to value: exactly one of {@code order} (the feed's raw order object, as the frontend holds it),
 * {@code orderId} (a live order) or {@code optionAddress} (a filled position: from our trade records, or from the indexer when {@code owner} is given).
 * Amounts are human decimal strings: contracts in units of the collateral token, the price in USD.
 */
@Schema(
        description =
                "Exactly one of order, orderId or optionAddress (owner optional: without it the option must have been filled through this platform)",
        example =
                """
                {"order":{"implementation":"0xfaeD63f7040E65b79cF0Ae29706fDc423eE249A9",\
                "collateral":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",\
                "priceFeed":"0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70","isCall":true,\
                "strikes":[250000000000,270000000000],"price":"4215000000"},\
                "numContracts":"2.5","settlementPrice":"2650"}""")
record PayoutRequest(
        @Valid RawOrder order,
        @Schema(
                        description = "id of a live order (keccak-256 of its signature)",
                        example = "0x50d526cb192ab964d80b15ede576beb96f4ebe6cd3abd5e1507c0ae33234bf22")
                @Size(max = 66)
                String orderId,
        @Schema(
                        description = "option contract of a filled position",
                        example = "0xf7cd8539121aececfa63c6ca40dcc6da770ae954")
                @Size(max = 42)
                String optionAddress,
        @Schema(
                        description = "buyer or seller of optionAddress (the indexer is queried per user)",
                        example = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c")
                @Size(max = 42)
                String owner,
        @Schema(
                        description =
                                "contracts; required with order, defaults to 1 for orderId and to the position's size",
                        example = "2.5")
                @Size(max = 80)
                String numContracts,
        @Schema(
                        description = "settlement price in USD (8 decimals at most); a settled position uses its own",
                        example = "2650")
                @Size(max = 80)
                String settlementPrice) {

    /** The feed's {@code order} object; only the fields the math needs are read, the rest is ignored. */
    @Schema(description = "The feed's order object (extra fields are ignored)")
    record RawOrder(
            @NotBlank @Size(max = 42) @Schema(example = "0xfaeD63f7040E65b79cF0Ae29706fDc423eE249A9")
                    String implementation,
            @NotBlank @Size(max = 42) @Schema(example = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913") String collateral,
            @Size(max = 42) @Schema(example = "0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70") String priceFeed,
            Boolean isCall,
            @NotNull
                    @Size(min = 1, max = 4)
                    @Schema(
                            description = "8-decimal integers, as numbers or numeric strings",
                            example = "[250000000000, 270000000000]")
                    List<JsonNode> strikes,
            @NotNull
                    @Schema(
                            description = "collateral per contract × 1e8, number or numeric string",
                            example = "4215000000")
                    JsonNode price) {}
}
