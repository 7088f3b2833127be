package io.nutsgate.trades;

/**
 * A trade row was inserted or its confirmation or status changed; published after the transaction commits.
 * {@code confirmation} is {@value #SEEN} (in a block not yet final, from our chain indexer) or {@value #CONFIRMED}
 * (final; the Thetanuts indexer sync only publishes confirmed trades).
 */
public record TradeRecordedEvent(TradeView trade, String confirmation) {

    public static final String SEEN = "seen";
    public static final String CONFIRMED = "confirmed";

    public TradeRecordedEvent {
        if (!SEEN.equals(confirmation) && !CONFIRMED.equals(confirmation)) {
            throw new IllegalArgumentException("confirmation must be seen or confirmed, was " + confirmation);
        }
    }
}
