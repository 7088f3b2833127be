package io.nutsgate.optionmath;

import java.math.BigInteger;

/**
 * How a position's collateral is split at settlement, in collateral base units: {@code buyerPayout +
 * sellerReturn == collateral} always.
 */
public record Settlement(BigInteger collateral, BigInteger buyerPayout, BigInteger sellerReturn) {}
