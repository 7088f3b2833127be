package io.nutsgate.push;

/** One push: the room it goes to, the Socket.IO event name and its payload as JSON text. */
public record PushMessage(String room, String event, String payload) {

    public static final String POSITION_UPDATE = "position:update";
    public static final String TRADE_NEW = "trade:new";
    public static final String TRADE_REMOVED = "trade:removed";
    public static final String TRADE_SETTLED = "trade:settled";
    public static final String TRADE_UPDATED = "trade:updated";

    /** The room of a wallet's subscribers: {@code positions:<lower-case address>}. */
    public static String positionsRoom(String wallet) {
        return "positions:" + wallet.toLowerCase(java.util.Locale.ROOT);
    }
}
