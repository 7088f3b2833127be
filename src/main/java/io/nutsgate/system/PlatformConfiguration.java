package io.nutsgate.system;

import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Deployments;
import io.nutsgate.protocol.Platform;
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
        String book = properties.optionBookAddress();
        Deployment deployment = Deployments.byOptionBook(book).orElseGet(() -> {
            // A book we have no registry for (a newer release, a test chain): keep the newest known
            // tokens, feeds and implementations but send fills to the configured book.
            Deployment newest = Deployments.R12;
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
        return new Platform(deployment, referrer);
    }
}
