package io.nutsgate.trades;

/** A trade recorded earlier is gone (a reorg took its block back); published after the transaction commits. */
public record TradeRemovedEvent(TradeView trade) {}
