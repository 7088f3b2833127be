package io.nutsgate.positions;

/** Published after {@code POST /nuts/update} for an address: its positions changed (a trade was just made). */
public record PositionsRefreshRequestedEvent(String address) {}
