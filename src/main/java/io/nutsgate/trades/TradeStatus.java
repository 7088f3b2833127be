package io.nutsgate.trades;

/**
 * Where a trade stands: {@code OPEN} before expiry; {@code EXPIRED} after expiry while settlement is pending;
 * {@code SETTLED} once paid out at expiry; {@code CLOSED} when closed early (bilateral {@code close()}).
 */
public enum TradeStatus {
    OPEN,
    EXPIRED,
    SETTLED,
    CLOSED;

    /** Settled or closed: payout and P&L are final. */
    public boolean isFinal() {
        return this == SETTLED || this == CLOSED;
    }
}
