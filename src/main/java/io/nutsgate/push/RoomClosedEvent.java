package io.nutsgate.push;

/** A wallet's room lost its last socket on this instance: nobody here follows that wallet any more. */
public record RoomClosedEvent(String wallet) {}
