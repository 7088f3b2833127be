package io.nutsgate.protocol;

import java.util.List;
import java.util.Optional;
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
}
