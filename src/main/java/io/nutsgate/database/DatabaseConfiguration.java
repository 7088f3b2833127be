package io.nutsgate.database;

import com.zaxxer.hikari.HikariDataSource;
import io.nutsgate.settings.DatabaseUrl;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.settings.StartupRefusedException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where the database is: {@code DATABASE_URL} (see {@link DatabaseUrl}) selects an external PostgreSQL; without it an
 * {@link EmbeddedDatabase} keeps its data in {@code NUTS_DATABASE_DIR} ({@code ./data/postgres}), so the service runs
 * with no set-up at all. Either way Spring Boot builds the connection pool ({@code spring.datasource.hikari.*}) and
 * runs Flyway from these connection details.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);
    private static final Duration START_PROBE_TIMEOUT = Duration.ofSeconds(5);

    @Bean
    JdbcConnectionDetails jdbcConnectionDetails(NutsProperties properties) {
        NutsProperties.Database database = properties.database();
        if (!database.external()) {
            return EmbeddedDatabase.start(database.embeddedDir());
        }
        DatabaseUrl url = DatabaseUrl.parse(database.url());
        requireReachable(url);
        log.info("using the external PostgreSQL at {}", url.redacted());
        return url;
    }

    /**
     * An external database that does not answer at start refuses the start-up in one line naming its host and port
     * and why (the schema cannot be migrated without it); an orchestrator restarts the instance until it answers.
     * Once started, an outage only makes the endpoints that need it answer 503 {@code DATABASE_UNAVAILABLE}.
     */
    static void requireReachable(DatabaseUrl url) {
        Properties connection = new Properties();
        if (url.getUsername() != null) connection.setProperty("user", url.getUsername());
        if (url.getPassword() != null) connection.setProperty("password", url.getPassword());
        connection.setProperty("connectTimeout", Long.toString(START_PROBE_TIMEOUT.toSeconds()));
        connection.setProperty("loginTimeout", Long.toString(START_PROBE_TIMEOUT.toSeconds()));
        connection.setProperty("socketTimeout", Long.toString(START_PROBE_TIMEOUT.toSeconds()));
        try (Connection ignored = new Driver().connect(url.getJdbcUrl(), connection)) {
            // reachable, and the credentials and database are accepted
        } catch (SQLException e) {
            throw new StartupRefusedException(
                    "DATABASE_URL: no usable PostgreSQL at " + url.hostAndPort() + " (" + why(e)
                            + "); start it or correct DATABASE_URL, e.g. postgres://user:password@db.example:5432/nutsgate");
        }
    }

    /** What went wrong, in words, without the driver's message (which may quote the URL). */
    private static String why(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) return "unknown host";
            if (t instanceof ConnectException) return "connection refused";
            if (t instanceof SocketTimeoutException) return "no answer within " + START_PROBE_TIMEOUT.toSeconds() + "s";
            if (t.getCause() == t) break;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "28P01", "28000" -> "the user or password was refused";
            case "3D000" -> "the database does not exist";
            case "08001", "08004", "08006" -> "the connection failed";
            default -> "SQL state " + (state.isEmpty() ? "unknown" : state);
        };
    }

    /**
     * With PostgreSQL down a request waits {@code NUTS_DATABASE_CONNECTION_TIMEOUT} for a connection, then answers
     * 503 {@code DATABASE_UNAVAILABLE} (see {@link ApiExceptionHandler}); both timeouts can change on a running pool.
     */
    @Bean
    static BeanPostProcessor databaseConnectionTimeout(ObjectProvider<NutsProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof HikariDataSource pool) {
                    long timeout = properties
                            .getObject()
                            .database()
                            .connectionTimeout()
                            .toMillis();
                    pool.setConnectionTimeout(timeout);
                    pool.setValidationTimeout(Math.min(timeout, pool.getValidationTimeout()));
                }
                return bean;
            }
        };
    }
}
