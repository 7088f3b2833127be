package io.nutsgate.protocol;

/**
 * The option products an OptionBook implementation can create (REFERENCE §4.1). The strike count and the
 * collateral kind are what the order feed and the math need; the payoff itself lives in the payout feature.
 */
public enum Product {
    PUT(Structure.VANILLA, 1, false, false),
    INVERSE_CALL(Structure.VANILLA, 1, true, true),
    LINEAR_CALL(Structure.VANILLA, 1, true, false),
    CALL_SPREAD(Structure.SPREAD, 2, true, false),
    PUT_SPREAD(Structure.SPREAD, 2, false, false),
    INVERSE_CALL_SPREAD(Structure.SPREAD, 2, true, true),
    CALL_FLY(Structure.BUTTERFLY, 3, true, false),
    PUT_FLY(Structure.BUTTERFLY, 3, false, false),
    CALL_CONDOR(Structure.CONDOR, 4, true, false),
    PUT_CONDOR(Structure.CONDOR, 4, false, false),
    IRON_CONDOR(Structure.IRON_CONDOR, 4, false, false),
    RANGER(Structure.RANGER, 4, false, false),
    PHYSICAL_CALL(Structure.VANILLA, 1, true, true),
    PHYSICAL_PUT(Structure.VANILLA, 1, false, false);

    /** The indexer's {@code implementationType} values. */
    public enum Structure {
        VANILLA,
        SPREAD,
        BUTTERFLY,
        CONDOR,
        IRON_CONDOR,
        RANGER
    }

    private final Structure structure;
    private final int strikeCount;
    private final boolean call;
    private final boolean baseCollateral;

    Product(Structure structure, int strikeCount, boolean call, boolean baseCollateral) {
        this.structure = structure;
        this.strikeCount = strikeCount;
        this.call = call;
        this.baseCollateral = baseCollateral;
    }

    public Structure structure() {
        return structure;
    }

    public int strikeCount() {
        return strikeCount;
    }

    /** Call flavour; iron condors and rangers are neither and report false. */
    public boolean isCall() {
        return call;
    }

    /** Collateralised and paid in the underlying (WETH, cbBTC) rather than in USDC. */
    public boolean baseCollateral() {
        return baseCollateral;
    }

    public boolean physicallySettled() {
        return this == PHYSICAL_CALL || this == PHYSICAL_PUT;
    }
}
