package io.nutsgate.dashboard;

import io.nutsgate.common.Amount;
import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The operator's numbers over the last {@code days} UTC days (today included), from the trades recorded with the
 * platform's referrer; a fill with both sides followed counts once.
 *
 * @param referralFeeSplitBps {@code ALPHABIT_REFERRER_FEE_SPLIT_BPS}, or null: referral fees are then not estimated
 */
record DashboardView(
        String referrer,
        Instant asOf,
        int days,
        Integer referralFeeSplitBps,
        List<DailyRevenue> revenuePerDay,
        List<ProductVolume> volumeByProduct,
        List<DailyTraders> tradersPerDay,
        List<DailyPayouts> payoutsPerDay) {

    /** Per UTC day of settlement and collateral token: options settled, how many in the money, paid to buyers. */
    record DailyPayouts(
            LocalDate date,
            @Schema(description = "00:00 UTC of the day, unix seconds") Instant startsAt,
            Deployment.Token collateral,
            long settled,
            long inTheMoney,
            Amount payouts) {}

    /** Per UTC day and collateral token: fills, premium volume, protocol fees and our estimated referral share. */
    record DailyRevenue(
            LocalDate date,
            @Schema(description = "00:00 UTC of the day, unix seconds") Instant startsAt,
            Deployment.Token collateral,
            long trades,
            Amount volume,
            Amount fees,
            Amount referralFees) {}

    record ProductVolume(String underlying, String product, Deployment.Token collateral, long trades, Amount volume) {}

    /** Distinct wallets that traded (either side) and fills, per UTC day. */
    record DailyTraders(
            LocalDate date,
            @Schema(description = "00:00 UTC of the day, unix seconds") Instant startsAt,
            long traders,
            long trades) {}
}
