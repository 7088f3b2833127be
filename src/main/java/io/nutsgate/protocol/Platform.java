package io.nutsgate.protocol;

import io.nutsgate.common.Addresses;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What this instance serves: the active OptionBook deployment, the platform's referrer (if configured) and the
 * registry of deployments it knows (the built-in ones, or the one of {@code NUTS_DEPLOYMENT_FILE}).
 */
public record Platform(Deployment deployment, Optional<String> referrer, Deployments registry) {

    /** With the built-in registry. */
    public Platform(Deployment deployment, Optional<String> referrer) {
        this(deployment, referrer, Deployments.builtIn());
    }

    /** The active deployment first, then the registry's others. */
    public List<Deployment> deployments() {
        return Stream.concat(Stream.of(deployment), otherDeployments().stream()).toList();
    }

    /** The registry's deployments other than the active one: books whose options may still be open. */
    public List<Deployment> otherDeployments() {
        return registry.all().stream()
                .filter(d -> !d.isOptionBook(deployment.optionBook()))
                .toList();
    }

    public Optional<Deployment> byOptionBook(String address) {
        return deployments().stream().filter(d -> d.isOptionBook(address)).findFirst();
    }

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
