package io.nutsgate.trades;

import io.nutsgate.common.Decimals;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigInteger;

/** An on-chain integer as the API shows it: the raw base-unit integer and its decimal form, both as strings. */
@Schema(description = "An amount: raw integer in base units and the same value as a decimal string")
public record Amount(@Schema(example = "999999982") String raw, @Schema(example = "999.999982") String value) {

    /** Null for a null {@code raw}. */
    static Amount of(BigInteger raw, int decimals) {
        return raw == null ? null : new Amount(raw.toString(), Decimals.format(raw, decimals));
    }
}
