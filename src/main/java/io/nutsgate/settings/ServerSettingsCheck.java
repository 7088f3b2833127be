package io.nutsgate.settings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The settings Spring Boot itself binds from our variables ({@code PORT}, {@code MANAGEMENT_PORT},
 * {@code NUTS_DATABASE_POOL_SIZE}, {@code NUTS_SHUTDOWN_GRACE_PERIOD}) are checked as soon as the environment is read,
 * so a wrong one refuses the start-up in one line (Spring's own report is a multi-line block); and the ports are
 * tried, so a port already in use is reported at once, before the embedded database starts (Tomcat would find it
 * last, after everything else has started).
 */
class ServerSettingsCheck implements EnvironmentPostProcessor, Ordered {

    private static final Pattern WHOLE_NUMBER = Pattern.compile("^\\s*\\d{1,9}\\s*$");
    private static final Pattern UNITLESS = Pattern.compile("^\\s*[-+]?\\d+\\s*$");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Integer port = port(environment, "server.port");
        Integer managementPort = port(environment, "management.server.port");
        positive(environment, "spring.datasource.hikari.maximum-pool-size", "connections");
        duration(environment, "spring.lifecycle.timeout-per-shutdown-phase");
        InetAddress address = address(environment);
        free(environment, "server.port", address, port);
        if (managementPort != null && !managementPort.equals(port)) {
            free(environment, "management.server.port", address, managementPort);
        }
    }

    private static Integer port(ConfigurableEnvironment environment, String property) {
        String value = environment.getProperty(property);
        if (value == null || value.isBlank()) {
            return null;
        }
        // -1 (Spring: no web server) and 0 (a free port) are accepted as Spring accepts them
        if (!(WHOLE_NUMBER.matcher(value).matches() || value.strip().equals("-1"))
                || Integer.parseInt(value.strip()) > 65535) {
            throw new StartupRefusedException(SettingNames.describe(environment, property)
                    + " is not a port number: write a whole number from 1 to 65535"
                    + example(environment, property, property.startsWith("management") ? "9090" : "8080"));
        }
        return Integer.parseInt(value.strip());
    }

    private static void positive(ConfigurableEnvironment environment, String property, String what) {
        String value = environment.getProperty(property);
        if (value == null) {
            return;
        }
        if (!WHOLE_NUMBER.matcher(value).matches() || Integer.parseInt(value.strip()) < 1) {
            throw new StartupRefusedException(SettingNames.describe(environment, property)
                    + " is not a number of " + what + ": write a whole number from 1 up"
                    + example(environment, property, "10"));
        }
    }

    private static void duration(ConfigurableEnvironment environment, String property) {
        String value = environment.getProperty(property);
        if (value == null) {
            return;
        }
        String problem = null;
        if (UNITLESS.matcher(value).matches()) {
            problem = " is a duration without a unit";
        } else {
            try {
                if (DurationStyle.detectAndParse(value.strip()).isNegative()) {
                    problem = " must not be negative";
                }
            } catch (IllegalArgumentException e) {
                problem = " is not a duration";
            }
        }
        if (problem != null) {
            throw new StartupRefusedException(SettingNames.describe(environment, property) + problem
                    + ": write a number with a unit (ms, s, m, h, d)"
                    + example(environment, property, "30s"));
        }
    }

    private static InetAddress address(ConfigurableEnvironment environment) {
        String address = environment.getProperty("server.address");
        if (address == null || address.isBlank()) {
            return null;
        }
        try {
            return InetAddress.getByName(address.strip());
        } catch (UnknownHostException e) {
            throw new StartupRefusedException(SettingNames.describe(environment, "server.address")
                    + " is not an address of this machine: write an IP address, e.g. 0.0.0.0 or 127.0.0.1");
        }
    }

    /** Binds the port for a moment the way Tomcat will (address reuse on), so only a real listener refuses it. */
    private static void free(ConfigurableEnvironment environment, String property, InetAddress address, Integer port) {
        if (port == null || port <= 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            String variable = SettingNames.variable(environment, property);
            throw new StartupRefusedException(SettingNames.describe(property, variable) + ": port " + port
                    + " is already in use by another process; stop it or choose a free port, e.g. "
                    + (variable == null ? property : variable) + "=" + (port == 65535 ? port - 1 : port + 1));
        }
    }

    /** {@code ; e.g. PORT=8080}, from the default in {@code application.yml}. */
    private static String example(ConfigurableEnvironment environment, String property, String fallback) {
        String example = SettingNames.example(environment, property);
        if (example == null) {
            example = fallback;
        }
        String variable = SettingNames.variable(environment, property);
        return ", e.g. " + (variable == null ? property : variable) + "=" + example;
    }

    /** After {@code application.yml} and the environment are read, before {@link ManagementPortDetails} reads the port. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }
}
