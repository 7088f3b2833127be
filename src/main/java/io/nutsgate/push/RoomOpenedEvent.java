package io.nutsgate.push;

/** A wallet's room got its first socket on this instance: someone here now follows that wallet. */
public record RoomOpenedEvent(String wallet) {}
