package io.nutsgate.trades;

import io.nutsgate.common.Amount;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A wallet's trading totals, one entry per collateral token (amounts in different tokens are never added). */
public record UserSummaryView(
        String address,
        long trades,
        @Schema(description = "trades not yet settled or closed (OPEN and EXPIRED)") long openCount,
        List<CollateralTotals> byCollateral) {

    public record CollateralTotals(
            TradeView.Collateral collateral,
            long trades,
            long openCount,
            @Schema(description = "sum of premiums") Amount volume,
            @Schema(description = "sum of P&L of SETTLED and CLOSED trades") Amount realisedPnl,
            @Schema(description = "sum of protocol fees charged on the fills") Amount feesPaid) {}
}
