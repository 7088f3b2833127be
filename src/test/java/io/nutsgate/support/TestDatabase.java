package io.nutsgate.support;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * Every test context gets a database: the machine's PostgreSQL (127.0.0.1:5432, database {@code test}) when
 * it answers, as in CI; otherwise an embedded PostgreSQL in a fresh temporary directory. On the shared
 * {@code test} database each context gets a schema of its own (created by Flyway, dropped when the context
 * closes), so contexts, test classes and builds running side by side never see each other's rows.
 * {@code -Dnuts.test.database=embedded} runs on the embedded PostgreSQL even when the machine's answers. Under
 * {@code CI=true} the machine's PostgreSQL is required: its absence fails the run instead of falling back.
 * Registered for all test contexts in {@code META-INF/spring.factories}.
 */
public class TestDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        if (!context.getEnvironment().getProperty("DATABASE_URL", "").isBlank()
                || context.getEnvironment().containsProperty("NUTS_DATABASE_DIR")) {
            return; // the test (or a child process it started) chose its database itself
        }
        Map<String, Object> properties;
        boolean forceEmbedded = "embedded".equals(System.getProperty("nuts.test.database"));
        if (!forceEmbedded && RequiredService.inCi()) {
            RequiredService.require("PostgreSQL (database test)", "127.0.0.1", 5432);
        }
        if (!forceEmbedded && localPostgresReachable()) {
            String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            // Test contexts stay cached for the whole run and builds run side by side on the machine's PostgreSQL
            // (100 connections): each context keeps one idle connection, not a full pool.
            properties = Map.of(
                    "DATABASE_URL",
                    LOCAL_URL + "&currentSchema=" + schema,
                    "spring.flyway.schemas",
                    schema,
                    "spring.datasource.hikari.minimum-idle",
                    "1",
                    "spring.datasource.hikari.maximum-pool-size",
                    "5",
                    "spring.datasource.hikari.idle-timeout",
                    "10000");
            context.addApplicationListener(event -> {
                if (event instanceof ContextClosedEvent) {
                    dropSchema(schema);
                }
            });
        } else {
            properties = Map.of("nuts.database.embedded-dir", temporaryDirectory());
        }
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testDatabase", properties));
    }

    public static boolean localPostgresReachable() {
        return RequiredService.reachable("127.0.0.1", 5432);
    }

    private static void dropSchema(String schema) {
        try (Connection connection = DriverManager.getConnection(LOCAL_URL);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            // The schema is left behind; it holds only test rows.
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
