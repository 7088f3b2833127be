package io.nutsgate.trades;

import io.nutsgate.thetanuts.PositionKind;
import io.nutsgate.thetanuts.PositionsApi;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/** The indexer's lists through the positions feature, uncached: a sync must see the newest state. */
@Component
class PositionsTradeSource implements TradeSource {

    private final PositionsApi positions;

    PositionsTradeSource(PositionsApi positions) {
        this.positions = positions;
    }

    @Override
    public List<ObjectNode> openPositions(String address) {
        return positions.fetchFresh(address, PositionKind.OPEN);
    }

    @Override
    public List<ObjectNode> history(String address) {
        return positions.fetchFresh(address, PositionKind.HISTORY);
    }
}
