package io.nutsgate.protocol;

import io.nutsgate.common.Addresses;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What this instance serves: the active OptionBook deployment and the platform's referrer (if configured). */
public record Platform(Deployment deployment, Optional<String> referrer) {

    /**
     * The lower-case address a token filter names: a token symbol of the active deployment in any case
     * ({@code USDC}, {@code usdc}) or an address in any case. The one reading of {@code collateral=} for every
     * endpoint; anything else is a 400 naming {@code parameter}.
     */
    public String tokenParameter(String value, String parameter) {
        if (value.startsWith("0x") || value.startsWith("0X")) {
            return Addresses.require("0x" + value.substring(2), parameter);
        }
        return deployment
                .tokenBySymbol(value)
                .map(t -> t.address().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new ApiException(
                        ErrorCode.INVALID_PARAMETER,
                        parameter + " must be a token symbol ("
                                + deployment.tokens().stream()
                                        .map(Deployment.Token::symbol)
                                        .collect(Collectors.joining(", "))
                                + ", any case) or a token address; got " + value));
    }
}
