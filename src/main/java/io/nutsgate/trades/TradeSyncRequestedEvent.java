package io.nutsgate.trades;

/** Asks for a sync of one wallet's trades now (merged with a sync of it already waiting). */
public record TradeSyncRequestedEvent(String address) {}
