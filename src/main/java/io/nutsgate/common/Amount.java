package io.nutsgate.common;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigInteger;

/**
 * An on-chain integer shown both ways: {@code raw} as the integer in base units and {@code value} as a decimal
 * string in human units, both strings so JavaScript clients keep every digit. The one amount shape of the API.
 */
@Schema(description = "An amount: the raw on-chain integer in base units and the same value as a decimal string")
public record Amount(@Schema(example = "4215000000") String raw, @Schema(example = "42.15") String value) {

    /** Null for a null {@code raw}. */
    public static Amount of(BigInteger raw, int decimals) {
        return raw == null ? null : new Amount(raw.toString(), Decimals.format(raw, decimals));
    }

    /** A USD price with 8 decimals (strikes, settlement prices). */
    public static Amount usd(BigInteger raw) {
        return of(raw, 8);
    }
}
