package io.nutsgate.protocol;

import java.util.List;
import java.util.Optional;

/**
 * The OptionBook deployments a process knows, newest first: the built-in registries (REFERENCE §5, kept as
 * {@code deployments/r12.json} and {@code r10.json} in the {@link DeploymentFile} format) or, when
 * {@code NUTS_DEPLOYMENT_FILE} is set, the one deployment that file describes.
 */
public record Deployments(List<Deployment> all) {

    public static final long BASE_CHAIN_ID = 8453;

    private static final Deployments BUILT_IN =
            new Deployments(List.of(DeploymentFile.resource("r12"), DeploymentFile.resource("r10")));

    /** r12, deployed 2026-05-05: current in SDK v0.2.x. */
    public static final Deployment R12 = BUILT_IN.all().get(0);

    /** The older book the current frontend uses ("r10" in the Guide), deployed 2025-10-09. */
    public static final Deployment R10 = BUILT_IN.all().get(1);

    public Deployments {
        if (all.isEmpty()) {
            throw new IllegalArgumentException("a registry needs at least one deployment");
        }
        all = List.copyOf(all);
    }

    /** r12 and r10. */
    public static Deployments builtIn() {
        return BUILT_IN;
    }

    public static Deployments of(Deployment deployment) {
        return new Deployments(List.of(deployment));
    }

    public Deployment newest() {
        return all.get(0);
    }

    public Optional<Deployment> byOptionBook(String address) {
        return all.stream().filter(d -> d.isOptionBook(address)).findFirst();
    }
}
