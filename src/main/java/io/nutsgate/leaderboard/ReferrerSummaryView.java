package io.nutsgate.leaderboard;

import io.nutsgate.common.Amount;
import io.nutsgate.common.Checksummed;
import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** What the platform's referrer brought over a window: volume by underlying and product, fees, traders, trades a day. */
public record ReferrerSummaryView(
        @Checksummed String referrer,
        String window,
        @Schema(description = "when the rollup was computed, unix seconds") Instant asOf,
        long trades,
        long uniqueTraders,
        List<ProductVolume> byUnderlyingAndProduct,
        List<CollateralFees> fees,
        List<DailyTrades> tradesPerDay) {

    public record ProductVolume(
            String underlying, String product, Deployment.Token collateral, long trades, Amount volume, Amount fees) {}

    public record CollateralFees(Deployment.Token collateral, long trades, Amount volume, Amount fees) {}

    /** Trades entered on one UTC day. */
    public record DailyTrades(
            @Schema(description = "the UTC day", example = "2026-06-03") LocalDate date,
            @Schema(description = "the day's start (00:00 UTC), unix seconds", example = "1780444800") Instant startsAt,
            long trades) {

        DailyTrades(LocalDate date, long trades) {
            this(date, date.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(), trades);
        }
    }
}
