package io.nutsgate.trades;

import io.nutsgate.common.Amount;
import io.nutsgate.common.Checksummed;
import io.nutsgate.optionmath.Side;
import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * One trade made through the platform. Amounts are in the collateral token (premium, fee, contracts, collateral,
 * payout, P&L); strikes and settlement price are USD with 8 decimals. Payout and P&L are null until the trade is
 * SETTLED or CLOSED. Contracts, collateral, premium and fee are what remains in the option after its splits. Times are
 * unix seconds, with ISO-8601 beside the {@code …At} ones.
 */
public record TradeView(
        @Checksummed String optionAddress,
        String entryTxHash,
        @Checksummed String wallet,
        Side side,
        TradeStatus status,
        @Schema(example = "ETH") String underlying,
        @Schema(example = "CALL_SPREAD") String product,
        Boolean isCall,
        List<Amount> strikes,
        @Schema(description = "option expiry, unix seconds") Instant expiry,
        Deployment.Token collateral,
        Amount premium,
        Amount fee,
        Amount contracts,
        Amount collateralAmount,
        Amount settlementPrice,
        Amount payout,
        @Schema(description = "buyer: payout − premium; seller: premium − fee − (collateral − collateral returned)")
                Amount pnl,
        @Checksummed String referrer,
        @Schema(description = "entry time, unix seconds") Instant createdAt,
        @Schema(example = "2026-06-03T04:05:31Z") String createdAtIso,
        @Schema(description = "settlement or close time, unix seconds; null while open") Instant settledAt,
        String settledAtIso,
        @Schema(description = "the referrer's share of the fee; null when our chain indexer has not read the fill")
                Amount referralFee,
        @Schema(
                        description = "seen (in a block not yet final) or confirmed, for fills our chain indexer read;"
                                + " null otherwise",
                        example = "confirmed")
                String confirmation,
        @Schema(description = "collateral the seller got back at settlement or close (chain facts); null before")
                Amount collateralReturned,
        @Schema(description = "ITM (the buyer was paid) or OTM, for SETTLED trades; null otherwise", example = "ITM")
                String outcome,
        @Schema(
                        description =
                                "the transaction of the last lifecycle event applied (settlement, close, transfer, failed"
                                        + " settlement); null while only the fill is known")
                String lifecycleTxHash,
        @Schema(description = "TRANSFERRED trades: the wallet that holds this role now") @Checksummed
                String transferredTo,
        @Schema(description = "a position this wallet received by RoleTransferred: the wallet it came from")
                @Checksummed
                String transferredFrom,
        @Schema(
                        description =
                                "contracts OptionSplit moved out of this trade into new options (contracts is what"
                                        + " remains); null when none")
                Amount splitContracts,
        @Schema(description = "collateral those splits moved out (collateralAmount is what remains); null when none")
                Amount splitCollateral,
        @Schema(description = "a position split off another option by OptionSplit: the option it was split from")
                @Checksummed
                String splitFrom) {

    /** The API row of a stored trade: the one place a trade becomes a view. */
    static TradeView of(Trade fill) {
        int decimals = fill.collateralDecimals();
        return new TradeView(
                fill.optionAddress(),
                fill.entryTxHash(),
                fill.wallet(),
                fill.side(),
                fill.status(),
                fill.underlying(),
                fill.product(),
                fill.isCall(),
                fill.strikes().stream().map(s -> Amount.of(s, 8)).toList(),
                fill.expiry(),
                new Deployment.Token(fill.collateralSymbol(), fill.collateralToken(), decimals),
                Amount.of(fill.premium(), decimals),
                Amount.of(fill.fee(), decimals),
                Amount.of(fill.contracts(), decimals),
                Amount.of(fill.collateral(), decimals),
                Amount.of(fill.settlementPrice(), 8),
                Amount.of(fill.payout(), decimals),
                Amount.of(fill.pnl(), decimals),
                fill.referrer(),
                fill.createdAt(),
                iso(fill.createdAt()),
                fill.settledAt(),
                iso(fill.settledAt()),
                Amount.of(fill.referralFee(), decimals),
                fill.confirmation(),
                Amount.of(fill.collateralReturned(), decimals),
                outcome(fill),
                fill.lifecycleTxHash(),
                fill.transferredTo(),
                fill.transferredFrom(),
                Amount.of(fill.splitContracts(), decimals),
                Amount.of(fill.splitCollateral(), decimals),
                fill.splitFrom());
    }

    /** ITM when a settled trade paid the buyer something, OTM when it paid nothing. */
    private static String outcome(Trade fill) {
        if (fill.status() != TradeStatus.SETTLED || fill.payout() == null) {
            return null;
        }
        return fill.payout().signum() > 0 ? "ITM" : "OTM";
    }

    /** The ISO-8601 text of a time shown beside its unix seconds; null for null. */
    public static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
