package io.nutsgate.auth;

import io.nutsgate.settings.NutsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says once, when the service is up, which sign-in domain it falls back to when {@code SIWE_DOMAIN} is unset. */
@Component
class SiweDefaultsWarning {

    private static final Logger log = LoggerFactory.getLogger(SiweDefaultsWarning.class);

    private final NutsProperties.Auth settings;
    private final AuthApi auth;

    SiweDefaultsWarning(NutsProperties properties, AuthApi auth) {
        this.settings = properties.auth();
        this.auth = auth;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warnAboutDefaults() {
        if (settings.siweDomain() == null || settings.siweDomain().isBlank()) {
            log.warn(
                    "SIWE_DOMAIN is not set: sign-in messages must name {} (SIWE_URI {}); set SIWE_DOMAIN and SIWE_URI"
                            + " to the platform's own",
                    auth.domain(),
                    auth.uri());
        }
    }
}
