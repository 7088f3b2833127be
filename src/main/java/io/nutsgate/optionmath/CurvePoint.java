package io.nutsgate.optionmath;

import java.math.BigInteger;

/** One point of a payoff chart: settlement price (8 dp), buyer payout and buyer profit (collateral base units). */
public record CurvePoint(BigInteger price, BigInteger payout, BigInteger profit) {}
