package io.nutsgate.trades;

import io.nutsgate.common.Amount;
import io.nutsgate.common.Checksummed;
import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A wallet's trading totals, one entry per collateral token (amounts in different tokens are never added). */
public record UserSummaryView(
        @Checksummed String address,
        long trades,
        @Schema(description = "trades not yet settled or closed (OPEN and EXPIRED)") long openCount,
        List<CollateralTotals> byCollateral) {

    public record CollateralTotals(
            Deployment.Token collateral,
            long trades,
            long openCount,
            @Schema(description = "sum of premiums") Amount volume,
            @Schema(description = "sum of P&L of SETTLED and CLOSED trades") Amount realisedPnl,
            @Schema(description = "sum of protocol fees charged on the fills") Amount feesPaid) {}
}
