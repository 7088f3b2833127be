package io.nutsgate.ops;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code MANAGEMENT_PORT} set the actuator lives only on that port (kept off the public network), so every
 * request there may see health details; the public port then serves only {@code /livez} and {@code /readyz}.
 * Without it, details stay behind {@code NUTS_MANAGEMENT_TOKEN} ({@link ManagementAccessFilter}).
 */
class ManagementPortDetails implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (separatePort(environment) != null) {
            environment
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "managementPortDetails",
                            Map.of(
                                    "management.endpoint.health.show-details", "always",
                                    "management.endpoint.health.show-components", "always")));
        }
    }

    /**
     * {@code MANAGEMENT_PORT} when the actuator has a port of its own: set, positive and not the public port (Spring
     * Boot serves the actuator on the public port when both are the same); otherwise null.
     */
    static Integer separatePort(Environment environment) {
        Integer port = environment.getProperty("management.server.port", Integer.class);
        Integer main = environment.getProperty("server.port", Integer.class, 8080);
        return port != null && port > 0 && !port.equals(main) ? port : null;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
