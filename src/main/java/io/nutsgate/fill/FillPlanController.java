package io.nutsgate.fill;

import io.nutsgate.common.ApiResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/nuts")
@Tag(name = "fill", description = "Ready-to-sign transactions for filling an order")
class FillPlanController {

    private final FillPlanner planner;

    FillPlanController(FillPlanner planner) {
        this.planner = planner;
    }

    @PostMapping(value = "/orders/{id}/fill-plan", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "Size a fill and build its approve and fillOrder transactions",
            description = "contracts = floor(usdcAmount × 1e8 / price), capped at the order's capacity (or "
                    + "numContracts, refused above it); premium = floor(price × contracts / 1e8). Returns the "
                    + "allowance the order's OptionBook needs and two transactions to sign in order: ERC-20 approve, "
                    + "then fillOrder with the signed order untouched, numContracts set and this platform's referrer. "
                    + "Quotes expiring within NUTS_FILL_QUOTE_MARGIN (60 s by default) are refused.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "the plan")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "400",
            description = "INVALID_BODY, INVALID_AMOUNT, INVALID_ADDRESS, INVALID_PARAMETER")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "404", description = "ORDER_NOT_FOUND")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "409", description = "ORDER_EXPIRED")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "422",
            description = "AMOUNT_TOO_SMALL, AMOUNT_EXCEEDS_CAPACITY, UNKNOWN_IMPLEMENTATION, PRODUCT_UNSUPPORTED")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "503", description = "REFERRER_NOT_CONFIGURED")
    ApiResponse<FillPlanView> fillPlan(
            @Parameter(description = "order id (keccak-256 of the signature)") @PathVariable String id,
            @Valid @RequestBody FillPlanRequest request) {
        return ApiResponse.ok(planner.plan(id, request));
    }
}
