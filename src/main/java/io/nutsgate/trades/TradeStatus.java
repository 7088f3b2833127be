package io.nutsgate.trades;

/**
 * Where a trade stands: {@code OPEN} before expiry; {@code EXPIRED} after expiry while settlement is pending;
 * {@code SETTLED} once paid out at expiry (in or out of the money); {@code SETTLEMENT_FAILED} when the option's
 * settlement failed on chain ({@code OptionSettlementFailed}; it may still settle later); {@code CLOSED} when closed
 * early ({@code close()}); {@code TRANSFERRED} when this wallet handed its role to another ({@code RoleTransferred}:
 * the new holder has a row of its own). See docs/trade-lifecycle.md.
 */
public enum TradeStatus {
    OPEN,
    EXPIRED,
    SETTLED,
    CLOSED,
    SETTLEMENT_FAILED,
    TRANSFERRED;

    /** Settled or closed: payout and P&L are final. */
    public boolean isFinal() {
        return this == SETTLED || this == CLOSED;
    }
}
