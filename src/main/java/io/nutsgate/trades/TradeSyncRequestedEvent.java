package io.nutsgate.trades;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Asks for a sync of one wallet's trades (merged with a sync of it already waiting): now, or after
 * {@code NUTS_TRADES_AFTER_UPDATE_DELAY} when the wallet just asked the Thetanuts indexer to catch up
 * ({@code POST /nuts/update}), which needs a moment before it answers with the new trade. {@code openPositions}: the
 * wallet's open positions the asker just read from the indexer (the wallet watch, through the positions cache), used
 * instead of reading them again; null to read them fresh.
 */
public record TradeSyncRequestedEvent(String address, boolean afterUpdate, List<ObjectNode> openPositions) {

    public TradeSyncRequestedEvent(String address) {
        this(address, false, null);
    }

    public TradeSyncRequestedEvent(String address, boolean afterUpdate) {
        this(address, afterUpdate, null);
    }
}
