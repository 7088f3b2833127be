package io.nutsgate.trades;

/**
 * A trade's lifecycle changed from chain facts; published after the transaction commits. {@code change} is
 * {@value #SETTLED}, {@value #CLOSED}, {@value #TRANSFERRED} (this wallet handed its role on, or received one),
 * {@value #SETTLEMENT_FAILED}, {@value #EXPIRED} (a block passed its expiry), {@value #SPLIT} (an {@code OptionSplit}
 * moved part of the position into a new option: the reduced row, and the new option's row) or {@value #REVERTED} (a
 * reorg took the event away).
 */
public record TradeLifecycleEvent(TradeView trade, String change) {

    public static final String SETTLED = "settled";
    public static final String CLOSED = "closed";
    public static final String TRANSFERRED = "transferred";
    public static final String SETTLEMENT_FAILED = "settlement_failed";
    public static final String EXPIRED = "expired";
    public static final String SPLIT = "split";
    public static final String REVERTED = "reverted";
}
