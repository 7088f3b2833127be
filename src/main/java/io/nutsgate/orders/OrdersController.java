package io.nutsgate.orders;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.JsonHttp;
import io.nutsgate.common.QueryParameters;
import io.nutsgate.protocol.Platform;
import io.nutsgate.protocol.Product;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/nuts")
@Tag(name = "orders", description = "Live OptionBook orders")
class OrdersController {

    private final OrderBook book;
    private final Platform platform;

    OrdersController(OrderBook book, Platform platform) {
        this.book = book;
        this.platform = platform;
    }

    @GetMapping(value = "/orders", produces = "application/json")
    @Operation(
            summary = "Live orders, normalised",
            description = "Orders whose quote has not expired and whose implementation, price feed and collateral are "
                    + "in the deployment's allowlist. Served from cache; ETag/If-None-Match and gzip supported. When the "
                    + "feed is unreachable the last good answer is served with \"stale\":true and its age.")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = OrdersEnvelope.class)))
    @ApiResponse(responseCode = "400", description = "INVALID_PARAMETER")
    @ApiResponse(responseCode = "502", description = "UPSTREAM_UNAVAILABLE or UPSTREAM_BAD_RESPONSE")
    @ApiResponse(responseCode = "504", description = "UPSTREAM_TIMEOUT")
    void orders(
            @Parameter(example = "ETH") @RequestParam(required = false) String underlying,
            @Parameter(example = "CALL_SPREAD") @RequestParam(required = false) String product,
            @Parameter(example = "true") @RequestParam(required = false) String isCall,
            @Parameter(description = "unix seconds") @RequestParam(required = false) String minExpiry,
            @Parameter(description = "unix seconds") @RequestParam(required = false) String maxExpiry,
            @Parameter(
                            description = "collateral token: a symbol (USDC, usdc, WETH, …) or an address, any case",
                            example = "USDC")
                    @RequestParam(required = false)
                    String collateral,
            HttpServletRequest request,
            HttpServletResponse response)
            throws IOException {
        OrderFilter filter = new OrderFilter(
                symbol(underlying, "underlying"),
                product(product),
                bool(isCall),
                seconds(minExpiry, "minExpiry"),
                seconds(maxExpiry, "maxExpiry"),
                collateral(collateral));
        JsonHttp.write(book.render(filter), request, response);
    }

    @Schema(name = "OrdersResponse")
    record OrdersEnvelope(boolean success, OrdersView data, Boolean stale, Long ageSeconds) {}

    private static String symbol(String value, String name) {
        if (value == null) return null;
        if (!value.matches("[A-Za-z]{2,10}")) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, name + " must be an asset symbol such as ETH or BTC");
        }
        return value;
    }

    private static Product product(String value) {
        // an empty product= is refused, like underlying= and isCall=, rather than read as no filter
        return value == null ? null : QueryParameters.oneOf(Product.class, "product", value);
    }

    private static Boolean bool(String value) {
        if (value == null) return null;
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ApiException(ErrorCode.INVALID_PARAMETER, "isCall must be true or false");
        };
    }

    private static Long seconds(String value, String name) {
        if (value == null) return null;
        if (!value.matches("\\d{1,12}")) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, name + " must be unix seconds");
        }
        return Long.parseLong(value);
    }

    private String collateral(String value) {
        return value == null || value.isBlank() ? null : platform.tokenParameter(value, "collateral");
    }
}
