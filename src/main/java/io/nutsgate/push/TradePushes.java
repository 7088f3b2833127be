package io.nutsgate.push;

import io.nutsgate.trades.TradeRecordedEvent;
import io.nutsgate.trades.TradeRemovedEvent;
import io.nutsgate.trades.TradeView;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns trade events into pushes to the trader's room: {@code trade:new} is the trades API row with {@code status}
 * set to the confirmation ({@code seen} or {@code confirmed}) and the row's own status (OPEN, SETTLED, …) under
 * {@code tradeStatus}; {@code trade:removed} is the same row with {@code status: "removed"}. Runs after the
 * publisher's transaction commits (at once when there is none).
 */
@Component
class TradePushes {

    private final PushBus bus;
    private final JsonMapper json;

    TradePushes(PushBus bus, JsonMapper json) {
        this.bus = bus;
        this.json = json;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void onRecorded(TradeRecordedEvent event) {
        bus.publish(message(PushMessage.TRADE_NEW, event.trade(), event.confirmation()));
    }

    @TransactionalEventListener(fallbackExecution = true)
    void onRemoved(TradeRemovedEvent event) {
        bus.publish(message(PushMessage.TRADE_REMOVED, event.trade(), "removed"));
    }

    private PushMessage message(String name, TradeView trade, String status) {
        ObjectNode row = json.valueToTree(trade);
        row.set("tradeStatus", row.get("status"));
        row.put("status", status);
        return new PushMessage(PushMessage.positionsRoom(trade.wallet()), name, json.writeValueAsString(row));
    }
}
