package io.nutsgate.payout;

import io.nutsgate.common.Decimals;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigInteger;

/**
 * An on-chain integer shown both ways: {@code value} as a decimal string in human units, {@code raw} as the
 * integer in base units (a string, so JavaScript clients keep every digit).
 */
@Schema(description = "An amount as a human decimal string and as the raw on-chain integer")
public record Amount(@Schema(example = "42.15") String value, @Schema(example = "4215000000") String raw) {

    public static Amount of(BigInteger raw, int decimals) {
        return new Amount(Decimals.format(raw, decimals), raw.toString());
    }

    /** A USD price with 8 decimals (strikes, settlement prices). */
    public static Amount usd(BigInteger raw) {
        return of(raw, 8);
    }
}
