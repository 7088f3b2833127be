package io.nutsgate.leaderboard;

import io.nutsgate.common.Amount;
import io.nutsgate.trades.TradeView;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** What the platform's referrer brought over a window: volume by underlying and product, fees, traders, trades a day. */
public record ReferrerSummaryView(
        String referrer,
        String window,
        Instant asOf,
        long trades,
        long uniqueTraders,
        List<ProductVolume> byUnderlyingAndProduct,
        List<CollateralFees> fees,
        List<DailyTrades> tradesPerDay) {

    public record ProductVolume(
            String underlying,
            String product,
            TradeView.Collateral collateral,
            long trades,
            Amount volume,
            Amount fees) {}

    public record CollateralFees(TradeView.Collateral collateral, long trades, Amount volume, Amount fees) {}

    public record DailyTrades(LocalDate date, long trades) {}
}
