package io.nutsgate.positions;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nutsgate.common.Addresses;
import io.nutsgate.common.Amount;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.Checksummed;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.JsonFields;
import io.nutsgate.common.JsonHttp;
import io.nutsgate.common.RenderCache;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.thetanuts.CachedUpstream.Fetched;
import io.nutsgate.thetanuts.PositionKind;
import io.nutsgate.thetanuts.PositionsApi;
import io.nutsgate.thetanuts.PositionsBudget;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

@RestController
@RequestMapping("/nuts")
@Tag(name = "positions", description = "A user's positions and history from the indexer")
class PositionsController {

    @Schema(description = "Which of the user's positions to return")
    record PositionsRequest(
            @Schema(
                            description = "The user's wallet",
                            example = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c",
                            requiredMode = Schema.RequiredMode.REQUIRED)
                    String address,
            @Schema(description = "open, history or all", example = "all", defaultValue = "all") String type,
            @Schema(description = "Keep only positions made with the platform's referrer", defaultValue = "true")
                    Boolean filterByReferrer) {}

    @Schema(description = "The user's positions; lists not asked for are absent")
    record PositionsView(
            @Checksummed String address,
            String type,
            @Schema(description = "The referrer filtered on, or null when not filtered") @Checksummed String referrer,
            @JsonInclude(JsonInclude.Include.NON_NULL)
                    @Schema(
                            description = "Open positions: every indexer field kept as it comes (integers as"
                                    + " strings), plus the companion \"amounts\": the same amounts as {raw, value}")
                    List<JsonNode> positions,
            @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "Settled and closed positions")
                    List<JsonNode> history) {}

    @Schema(name = "PositionsResponse")
    record PositionsEnvelope(boolean success, PositionsView data, Boolean stale, Long ageSeconds) {}

    private final PositionsApi positions;
    private final Platform platform;
    private final JsonMapper json;
    private final Clock clock;
    private final RenderCache rendered = new RenderCache(10_000, Duration.ofMinutes(10));
    /** Each address costs two indexer calls: a client may ask for only so many new ones per window. */
    private final PositionsBudget budget;

    PositionsController(
            PositionsApi positions, Platform platform, JsonMapper json, Clock clock, PositionsBudget budget) {
        this.positions = positions;
        this.platform = platform;
        this.json = json;
        this.clock = clock;
        this.budget = budget;
    }

    @PostMapping(value = "/positions", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "A user's open positions and/or history",
            description = "Filtered case-insensitively on the platform's referrer unless filterByReferrer is false "
                    + "(or no referrer is configured). Accepts both indexer generations. A client may ask for "
                    + "NUTS_POSITIONS_RATE_LIMIT (30) addresses a minute that were not asked for within the positions "
                    + "cache lifetime; repeated addresses are not counted. Socket.IO subscriptions draw on the same "
                    + "budget.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            examples =
                                                    @ExampleObject(
                                                            value =
                                                                    "{\"address\":\"0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c\",\"type\":\"all\"}"))))
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PositionsEnvelope.class)))
    @ApiResponse(responseCode = "400", description = "INVALID_BODY, INVALID_ADDRESS or INVALID_TYPE")
    @ApiResponse(
            responseCode = "429",
            description = "RATE_LIMITED: too many new addresses from this client (NUTS_POSITIONS_RATE_LIMIT)")
    @ApiResponse(responseCode = "502", description = "UPSTREAM_UNAVAILABLE or UPSTREAM_BAD_RESPONSE")
    @ApiResponse(responseCode = "504", description = "UPSTREAM_TIMEOUT")
    void positions(@RequestBody PositionsRequest body, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String address = Addresses.require(body.address(), "address");
        String type = body.type() == null ? "all" : body.type().toLowerCase(Locale.ROOT);
        if (!type.equals("open") && !type.equals("history") && !type.equals("all")) {
            throw new ApiException(ErrorCode.INVALID_TYPE, "type must be open, history or all");
        }
        Optional<String> referrer =
                Boolean.FALSE.equals(body.filterByReferrer()) ? Optional.empty() : platform.referrer();
        budget.acquire(request, address);

        Fetched<List<ObjectNode>> open =
                type.equals("history") ? null : positions.fetchCached(address, PositionKind.OPEN);
        Fetched<List<ObjectNode>> history =
                type.equals("open") ? null : positions.fetchCached(address, PositionKind.HISTORY);
        boolean stale = (open != null && open.stale()) || (history != null && history.stale());
        long age = Math.max(open == null ? 0 : open.ageSeconds(clock), history == null ? 0 : history.ageSeconds(clock));
        // The version changes whenever either list is refetched.
        List<Long> version =
                List.of(open == null ? 0L : open.fetchedAtMillis(), history == null ? 0L : history.fetchedAtMillis());
        String key = address + "|" + type + "|" + referrer.orElse("-");
        JsonHttp.write(
                rendered.get(
                        key,
                        version,
                        stale,
                        age,
                        () -> json.writeValueAsBytes(new PositionsView(
                                address,
                                type,
                                referrer.orElse(null),
                                filter(open, referrer),
                                filter(history, referrer)))),
                request,
                response);
    }

    private List<JsonNode> filter(Fetched<List<ObjectNode>> fetched, Optional<String> referrer) {
        if (fetched == null) {
            return null;
        }
        return fetched.value().stream()
                .filter(p -> referrer.isEmpty()
                        || Addresses.same(referrer.get(), p.path("referrer").asString("")))
                .map(this::withAmounts)
                .toList();
    }

    private static final List<String> TOKEN_AMOUNTS =
            List.of("entryPremium", "entryFeePaid", "numContracts", "collateralAmount");
    private static final List<String> SETTLEMENT_TOKEN_AMOUNTS = List.of("payoutBuyer", "collateralReturnedSeller");

    /**
     * A copy of an indexer position with the companion {@code amounts}: its integer amounts as {raw, value} (token
     * amounts in the collateral's decimals, strikes and settlement price in USD with 8). The indexer's own fields
     * are left as they came; amounts that are absent or unreadable are left out of the companion.
     */
    private JsonNode withAmounts(ObjectNode position) {
        ObjectNode copy = position.deepCopy();
        ObjectNode amounts = copy.putObject("amounts");
        Optional<Integer> decimals = JsonFields.seconds(position.get("collateralDecimals"))
                .filter(d -> d <= 36)
                .map(Long::intValue)
                .or(() -> JsonFields.address(position.get("collateralToken"))
                        .flatMap(t -> platform.deployment().token(t))
                        .map(Deployment.Token::decimals));
        decimals.ifPresent(d -> {
            for (String field : TOKEN_AMOUNTS) {
                amount(position.get(field), d).ifPresent(a -> amounts.set(field, a));
            }
        });
        if (position.get("strikes") instanceof tools.jackson.databind.node.ArrayNode strikes) {
            var list = amounts.putArray("strikes");
            for (JsonNode strike : strikes) {
                amount(strike, 8).ifPresent(list::add);
            }
        }
        JsonNode settlement = position.get("settlement");
        if (settlement != null && settlement.isObject()) {
            amount(settlement.get("settlementPrice"), 8).ifPresent(a -> amounts.set("settlementPrice", a));
            decimals.ifPresent(d -> {
                for (String field : SETTLEMENT_TOKEN_AMOUNTS) {
                    amount(settlement.get(field), d).ifPresent(a -> amounts.set(field, a));
                }
            });
        }
        return copy;
    }

    private Optional<JsonNode> amount(JsonNode node, int decimals) {
        return JsonFields.unsigned(node).map(raw -> json.valueToTree(Amount.of(raw, decimals)));
    }
}
