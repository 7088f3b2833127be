package io.nutsgate.trades;

/** The user's side of the option: long ({@code BUYER}) or short ({@code SELLER}). */
public enum Side {
    BUYER,
    SELLER
}
