package io.nutsgate.optionmath;

/** Which side of an option a party holds: the buyer (long, pays the premium) or the seller (short, posts collateral). */
public enum Side {
    BUYER,
    SELLER
}
