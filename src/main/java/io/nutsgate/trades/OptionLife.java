package io.nutsgate.trades;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/**
 * What an option's own events say about it, in chain order (docs/trade-lifecycle.md): the chain reader derives it from
 * every lifecycle event stored for the option and {@link ChainTrades#applyLifecycles} makes the option's trades agree.
 * Amounts in collateral base units, the settlement price with 8 decimals.
 *
 * @param end how the option ended, or null while it has not (only transfers, or no event at all)
 * @param settlementPrice {@code OptionExpired.settlementPrice} (SETTLED only)
 * @param payout the sum of {@code OptionPayout.amountPaidOut} (0 without one)
 * @param collateralReturned {@code ExcessCollateralReturned} (SETTLED) or {@code OptionClosed.collateralReturned}
 * @param endTx the transaction of the event that ended the option (or of the last failed settlement)
 * @param splits the option's {@code OptionSplit}s in chain order
 */
public record OptionLife(
        String option,
        End end,
        BigInteger settlementPrice,
        BigInteger payout,
        BigInteger collateralReturned,
        String endTx,
        Long endBlock,
        Instant endTime,
        List<Transfer> transfers,
        List<Split> splits) {

    /** How the option's life ended (so far). */
    public enum End {
        SETTLED,
        SETTLEMENT_FAILED,
        CLOSED
    }

    /** One {@code RoleTransferred}: the buyer's role ({@code isBuyer}) or the seller's moved from one wallet to another. */
    public record Transfer(String txHash, long block, Instant time, String from, String to, boolean isBuyer) {}

    /**
     * One {@code OptionSplit}: {@code contracts} and {@code collateral} (base units) left this option for
     * {@code newOption}, whose roles {@code buyer} and {@code seller} hold (from the new option's own
     * {@code OptionInitialized}; null when it was not read: then the contracts are the collateral's share of the
     * option's and the roles stay with their holders). {@code transfersBefore}: how many of the option's transfers
     * came before it in chain order.
     */
    public record Split(
            String txHash,
            long block,
            Instant time,
            String newOption,
            BigInteger collateral,
            BigInteger contracts,
            String buyer,
            String seller,
            int transfersBefore) {}

    public OptionLife {
        transfers = List.copyOf(transfers);
        splits = List.copyOf(splits);
    }

    /** The life of an option without splits. */
    public OptionLife(
            String option,
            End end,
            BigInteger settlementPrice,
            BigInteger payout,
            BigInteger collateralReturned,
            String endTx,
            Long endBlock,
            Instant endTime,
            List<Transfer> transfers) {
        this(option, end, settlementPrice, payout, collateralReturned, endTx, endBlock, endTime, transfers, List.of());
    }

    /** No lifecycle event at all (e.g. a reorg took them all away). */
    public boolean isEmpty() {
        return end == null && transfers.isEmpty() && splits.isEmpty();
    }
}
