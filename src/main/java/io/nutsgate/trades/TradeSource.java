package io.nutsgate.trades;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * The indexer's lists for one address, fetched fresh (uncached), every field kept and not filtered by referrer.
 * Any upstream failure is thrown, never answered with an empty list.
 */
interface TradeSource {

    List<ObjectNode> openPositions(String address);

    List<ObjectNode> history(String address);
}
