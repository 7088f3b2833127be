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
        List<Transfer> transfers) {

    /** How the option's life ended (so far). */
    public enum End {
        SETTLED,
        SETTLEMENT_FAILED,
        CLOSED
    }

    /** One {@code RoleTransferred}: the buyer's role ({@code isBuyer}) or the seller's moved from one wallet to another. */
    public record Transfer(String txHash, long block, Instant time, String from, String to, boolean isBuyer) {}

    public OptionLife {
        transfers = List.copyOf(transfers);
    }

    /** No lifecycle event at all (e.g. a reorg took them all away). */
    public boolean isEmpty() {
        return end == null && transfers.isEmpty();
    }
}
