package io.nutsgate.trades;

/**
 * Asks for a sync of one wallet's trades (merged with a sync of it already waiting): now, or after
 * {@code NUTS_TRADES_AFTER_UPDATE_DELAY} when the wallet just asked the Thetanuts indexer to catch up
 * ({@code POST /nuts/update}), which needs a moment before it answers with the new trade.
 */
public record TradeSyncRequestedEvent(String address, boolean afterUpdate) {

    public TradeSyncRequestedEvent(String address) {
        this(address, false);
    }
}
