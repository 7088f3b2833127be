package io.nutsgate.push;

import io.nutsgate.trades.TradeLifecycleEvent;
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
 * {@code tradeStatus}; {@code trade:removed} is the same row with {@code status: "removed"}. A lifecycle change read
 * from the chain goes to the room of the row's wallet (every wallet involved has its own row): {@code trade:settled}
 * for a settlement, {@code trade:updated} for a close, a transfer (both the old and the new holder), a failed
 * settlement, an expiry or a reorg taking one of those back; the row with {@code status} set to the change
 * ({@code settled}, {@code closed}, {@code transferred}, {@code settlement_failed}, {@code expired}, {@code reverted}).
 * Runs after the publisher's transaction commits (at once when there is none).
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

    @TransactionalEventListener(fallbackExecution = true)
    void onLifecycle(TradeLifecycleEvent event) {
        String name = event.change().equals(TradeLifecycleEvent.SETTLED)
                ? PushMessage.TRADE_SETTLED
                : PushMessage.TRADE_UPDATED;
        bus.publish(message(name, event.trade(), event.change()));
    }

    private PushMessage message(String name, TradeView trade, String status) {
        ObjectNode row = json.valueToTree(trade);
        row.set("tradeStatus", row.get("status"));
        row.put("status", status);
        return new PushMessage(PushMessage.positionsRoom(trade.wallet()), name, json.writeValueAsString(row));
    }
}
