package io.nutsgate.trades;

import io.nutsgate.optionmath.Side;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/**
 * One fill made with our referrer, seen from one wallet: what the trades table holds. Amounts are integers in the
 * collateral token's base units; strikes and settlement price have 8 decimals. Payout and P&L are null until the
 * trade is settled or closed. Referral fee and confirmation ({@code seen}, {@code confirmed}) are known only for
 * fills our chain indexer read (null otherwise). Collateral returned, lifecycle tx and the transfer fields are chain
 * facts of the option's own events (docs/trade-lifecycle.md). Contracts, collateral, premium and fee are what remains
 * in the option after its splits; the {@code split…} amounts are what the splits moved out (null when none), and
 * {@code splitFrom} is, on a row of a split-off option, the option it was split from.
 */
record Trade(
        String entryTxHash,
        String optionAddress,
        String wallet,
        Side side,
        TradeStatus status,
        String underlying,
        String product,
        Boolean isCall,
        List<BigInteger> strikes,
        Instant expiry,
        String collateralToken,
        String collateralSymbol,
        int collateralDecimals,
        BigInteger premium,
        BigInteger fee,
        BigInteger contracts,
        BigInteger collateral,
        BigInteger settlementPrice,
        BigInteger payout,
        BigInteger pnl,
        String referrer,
        Instant createdAt,
        Instant settledAt,
        BigInteger referralFee,
        String confirmation,
        BigInteger collateralReturned,
        String lifecycleTxHash,
        String transferredTo,
        String transferredFrom,
        BigInteger splitContracts,
        BigInteger splitCollateral,
        BigInteger splitPremium,
        BigInteger splitFee,
        String splitFrom) {

    /**
     * The idempotency key of a trade: one row per (fill, wallet, side), a fill being (entry tx hash, option address).
     * When buyer and seller are both wallets we follow, the fill is kept once for each.
     */
    record Key(String entryTxHash, String optionAddress, String wallet, Side side) {}

    Key key() {
        return new Key(entryTxHash, optionAddress, wallet, side);
    }

    /** A row of the fill itself or of a split-off option, not one a transfer gave this wallet. */
    boolean isBase() {
        return transferredFrom == null || splitFrom != null;
    }

    /** {@code amount} plus what splits moved out of it ({@code split}, null for none): the entry's amount. */
    static BigInteger whole(BigInteger amount, BigInteger split) {
        return split == null ? amount : amount.add(split);
    }
}
