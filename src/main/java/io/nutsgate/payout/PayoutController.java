package io.nutsgate.payout;

import io.nutsgate.common.ApiResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/nuts")
@Tag(name = "payout", description = "Payoffs, breakevens and payout at settlement, in exact on-chain integers")
class PayoutController {

    private final Payouts payouts;

    PayoutController(Payouts payouts) {
        this.payouts = payouts;
    }

    @PostMapping(value = "/payout", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "Value an option: collateral, max payout and loss, breakevens, payout at a price",
            description = "Give the feed's raw order object with numContracts, a live orderId, or a filled position's "
                    + "optionAddress with its owner. Amounts are decimal strings in human units; every amount is "
                    + "answered as {value, raw}. Every division floors, as on chain; breakevens are floored to 8 "
                    + "decimals. RANGER, PHYSICAL_CALL and PHYSICAL_PUT answer PRODUCT_UNSUPPORTED.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "valued")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "400",
            description = "INVALID_BODY, INVALID_AMOUNT, INVALID_STRIKES, INVALID_ADDRESS, INVALID_PARAMETER")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "404",
            description = "ORDER_NOT_FOUND, POSITION_NOT_FOUND")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "422",
            description = "UNKNOWN_IMPLEMENTATION, PRODUCT_UNSUPPORTED")
    ApiResponse<PayoutView> payout(@Valid @RequestBody PayoutRequest request) {
        return ApiResponse.ok(payouts.payout(request));
    }

    @GetMapping(value = "/orders/{id}/payoff", produces = "application/json")
    @Operation(
            summary = "The buyer's profit curve of a live order, for charts",
            description = "Evenly spaced settlement prices over [from, to] (default: lowest strike −20 % to highest "
                    + "strike +20 %) plus every strike in range as an exact point. Size by usdcAmount (a premium "
                    + "budget in the order's collateral token, capped at the order's capacity) or numContracts; one "
                    + "contract when neither is given. At most 1000 points.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "the curve")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "400",
            description = "INVALID_PARAMETER (e.g. points > 1000), INVALID_AMOUNT")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "404", description = "ORDER_NOT_FOUND")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "422",
            description = "AMOUNT_EXCEEDS_CAPACITY, PRODUCT_UNSUPPORTED")
    ApiResponse<PayoffView> payoff(
            @Parameter(description = "order id (keccak-256 of the signature)") @PathVariable String id,
            @Parameter(description = "premium budget in the order's collateral token", example = "250")
                    @RequestParam(required = false)
                    String usdcAmount,
            @Parameter(description = "contracts", example = "2.5") @RequestParam(required = false) String numContracts,
            @Parameter(description = "lowest settlement price, USD", example = "2000") @RequestParam(required = false)
                    String from,
            @Parameter(description = "highest settlement price, USD", example = "3200") @RequestParam(required = false)
                    String to,
            @Parameter(description = "number of points, 2…1000", example = "200") @RequestParam(required = false)
                    Integer points) {
        return ApiResponse.ok(payouts.payoff(id, usdcAmount, numContracts, from, to, points));
    }
}
