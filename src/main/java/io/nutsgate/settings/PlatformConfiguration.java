package io.nutsgate.settings;

import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.DeploymentFile;
import io.nutsgate.protocol.Deployments;
import io.nutsgate.protocol.InvalidDeploymentException;
import io.nutsgate.protocol.Platform;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PlatformConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PlatformConfiguration.class);

    @Bean
    Platform platform(NutsProperties properties) {
        Deployments registry = registry(properties);
        Deployment deployment = active(registry, properties.optionBookAddress());
        Optional<String> referrer = properties.hasReferrer()
                ? Optional.of(properties.referrerAddress().toLowerCase(Locale.ROOT))
                : Optional.empty();
        if (referrer.isEmpty()) {
            log.warn(
                    "ALPHABIT_REFERRER_ADDRESS is not set: positions are not filtered by referrer and fill plans are refused");
        }
        log.info(
                "serving OptionBook {} ({}) on chain {}",
                deployment.optionBook(),
                deployment.name(),
                deployment.chainId());
        return new Platform(deployment, referrer, registry);
    }

    /** The built-in r12/r10 registry, or the one deployment of NUTS_DEPLOYMENT_FILE (a bad file stops the start). */
    static Deployments registry(NutsProperties properties) {
        if (!properties.hasDeploymentFile()) {
            return Deployments.builtIn();
        }
        try {
            Deployment deployment = DeploymentFile.read(Path.of(properties.deploymentFile()));
            log.info("NUTS_DEPLOYMENT_FILE {} replaces the built-in deployments", properties.deploymentFile());
            return Deployments.of(deployment);
        } catch (InvalidDeploymentException e) {
            throw new StartupRefusedException("NUTS_DEPLOYMENT_FILE " + e.getMessage(), e);
        }
    }

    /** THETANUTS_OPTIONBOOK_ADDRESS picks the active book; unset, the registry's newest. */
    static Deployment active(Deployments registry, String book) {
        if (book == null || book.isBlank()) {
            return registry.newest();
        }
        return registry.byOptionBook(book).orElseGet(() -> {
            // A book we have no registry for (a newer release, a test chain): keep the newest known
            // tokens, feeds and implementations but send fills to the configured book.
            Deployment newest = registry.newest();
            log.warn(
                    "THETANUTS_OPTIONBOOK_ADDRESS {} is not a known deployment; using the {} registry for it",
                    book,
                    newest.name());
            return new Deployment(
                    "custom",
                    newest.chainId(),
                    book,
                    newest.factory(),
                    0,
                    newest.tokens(),
                    newest.priceFeeds(),
                    newest.implementations());
        });
    }
}
