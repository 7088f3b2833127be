package io.nutsgate.trades;

import io.nutsgate.common.Addresses;
import io.nutsgate.common.Amount;
import io.nutsgate.common.ApiResponse;
import io.nutsgate.common.PageLimit;
import io.nutsgate.common.QueryParameters;
import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/nuts")
@Tag(
        name = "Trade history",
        description = "The platform's own record of the trades made with its referrer, synced from the indexer")
class TradesController {

    private final TradeRepository trades;

    TradesController(TradeRepository trades) {
        this.trades = trades;
    }

    @GetMapping("/users/{address}/trades")
    @Operation(
            summary = "A wallet's trades, newest first",
            description = "Keyset pagination: pass the answer's nextCursor as cursor. 400 INVALID_ADDRESS,"
                    + " INVALID_PARAMETER (status, cursor, limit).")
    ApiResponse<TradePage> trades(
            @PathVariable String address,
            @Parameter(
                            schema =
                                    @Schema(
                                            allowableValues = {
                                                "OPEN",
                                                "EXPIRED",
                                                "SETTLED",
                                                "CLOSED",
                                                "SETTLEMENT_FAILED",
                                                "TRANSFERRED"
                                            }))
                    @RequestParam(required = false)
                    String status,
            @RequestParam(required = false) String cursor,
            @Parameter(description = "1 to 100, default 20") @RequestParam(required = false) Integer limit) {
        String wallet = Addresses.require(address, "address");
        TradeStatus wanted = status(status);
        Cursor after = Cursor.decode(cursor);
        int size = PageLimit.of(limit);
        List<TradeRepository.StoredTrade> rows = trades.page(wallet, wanted, after, size + 1);
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            TradeRepository.StoredTrade last = rows.get(size - 1);
            next = new Cursor(last.trade().createdAt(), last.id()).encode();
        }
        return ApiResponse.ok(new TradePage(
                rows.stream().map(r -> TradeView.of(r.trade())).toList(),
                next,
                trades.trader(wallet).orElse(null)));
    }

    @GetMapping("/users/{address}/summary")
    @Operation(
            summary = "A wallet's volume, realised P&L, open count and fees paid",
            description =
                    "Totals per collateral token (amounts in different tokens are never added up). Volume is the"
                            + " sum of premiums; realised P&L sums SETTLED and CLOSED trades; open counts OPEN, EXPIRED and SETTLEMENT_FAILED.")
    ApiResponse<UserSummaryView> summary(@PathVariable String address) {
        String wallet = Addresses.require(address, "address");
        List<TradeRepository.TotalsRow> rows = trades.totals(wallet);
        long total = 0;
        long open = 0;
        List<UserSummaryView.CollateralTotals> byCollateral = new ArrayList<>();
        for (TradeRepository.TotalsRow row : rows) {
            total += row.trades();
            open += row.openTrades();
            byCollateral.add(new UserSummaryView.CollateralTotals(
                    new Deployment.Token(row.symbol(), row.token(), row.decimals()),
                    row.trades(),
                    row.openTrades(),
                    Amount.of(row.volume(), row.decimals()),
                    Amount.of(row.realisedPnl(), row.decimals()),
                    Amount.of(row.fees(), row.decimals())));
        }
        return ApiResponse.ok(new UserSummaryView(wallet, total, open, byCollateral));
    }

    private static TradeStatus status(String value) {
        return QueryParameters.oneOf(TradeStatus.class, "status", value, null);
    }
}
