package io.nutsgate.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Every test context gets a database: the machine's PostgreSQL (127.0.0.1:5432, database {@code test}) when
 * it answers, as in CI; otherwise an embedded PostgreSQL in a fresh temporary directory. Registered for all
 * test contexts in {@code META-INF/spring.factories}.
 */
public class TestDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        if (context.getEnvironment().containsProperty("DATABASE_URL")
                && !context.getEnvironment().getProperty("DATABASE_URL", "").isBlank()) {
            return;
        }
        Map<String, Object> properties = localPostgresReachable()
                ? Map.of("DATABASE_URL", LOCAL_URL)
                : Map.of("nuts.database.embedded-dir", temporaryDirectory());
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testDatabase", properties));
    }

    public static boolean localPostgresReachable() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5432), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String temporaryDirectory() {
        try {
            return Files.createTempDirectory("nutsgate-test-pg").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
