package io.nutsgate.system;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code MANAGEMENT_PORT} set the actuator lives only on that port (kept off the public network), so every
 * request there may see health details; the public port then serves only {@code /livez} and {@code /readyz}.
 * Without it, details stay behind {@code NUTS_MANAGEMENT_TOKEN} ({@link ManagementAccessFilter}).
 */
class ManagementPortDetails implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Integer port = environment.getProperty("management.server.port", Integer.class);
        Integer main = environment.getProperty("server.port", Integer.class, 8080);
        if (port != null && port > 0 && !port.equals(main)) {
            environment
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "managementPortDetails",
                            Map.of(
                                    "management.endpoint.health.show-details", "always",
                                    "management.endpoint.health.show-components", "always")));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
