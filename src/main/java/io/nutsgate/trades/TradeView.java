package io.nutsgate.trades;

import io.nutsgate.common.Amount;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * One trade made through the platform. Amounts are in the collateral token (premium, fee, contracts, collateral,
 * payout, P&L); strikes and settlement price are USD with 8 decimals. Payout and P&L are null until the trade is
 * SETTLED or CLOSED.
 */
public record TradeView(
        String optionAddress,
        String entryTxHash,
        String wallet,
        Side side,
        TradeStatus status,
        @Schema(example = "ETH") String underlying,
        @Schema(example = "CALL_SPREAD") String product,
        Boolean isCall,
        List<Amount> strikes,
        Instant expiry,
        Collateral collateral,
        Amount premium,
        Amount fee,
        Amount contracts,
        Amount collateralAmount,
        Amount settlementPrice,
        Amount payout,
        @Schema(description = "buyer: payout − premium; seller: premium − fee − (collateral − collateral returned)")
                Amount pnl,
        String referrer,
        Instant createdAt,
        Instant settledAt,
        @Schema(description = "the referrer's share of the fee; null when our chain indexer has not read the fill")
                Amount referralFee,
        @Schema(
                        description = "seen (in a block not yet final) or confirmed, for fills our chain indexer read;"
                                + " null otherwise",
                        example = "confirmed")
                String confirmation) {

    /** The collateral token of a trade. */
    public record Collateral(String token, String symbol, int decimals) {}
}
