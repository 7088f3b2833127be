package io.nutsgate.system;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code DATABASE_URL} (a {@code postgres://user:pass@host:port/db} or {@code jdbc:postgresql:} URL) selects an
 * external PostgreSQL; without it an embedded PostgreSQL keeps its data in {@code ./data/postgres}, so the
 * service runs with no set-up at all.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(
            @Value("${DATABASE_URL:}") String databaseUrl,
            @Value("${nuts.database.embedded-dir:./data/postgres}") String embeddedDir,
            @Value("${nuts.database.pool-size:10}") int poolSize,
            NutsProperties properties) {
        HikariConfig config = new HikariConfig();
        config.setMaximumPoolSize(poolSize);
        // With PostgreSQL down a request gets 503 DATABASE_UNAVAILABLE after this wait, not a 500 after 30 s.
        long connectionTimeout = properties.database().connectionTimeout().toMillis();
        config.setConnectionTimeout(connectionTimeout);
        config.setValidationTimeout(Math.min(connectionTimeout, config.getValidationTimeout()));
        config.setPoolName("nutsgate");
        if (databaseUrl.isBlank()) {
            EmbeddedPostgres postgres = startEmbedded(Path.of(embeddedDir));
            config.setDataSource(postgres.getPostgresDatabase());
            return new EmbeddedHikari(config, postgres);
        }
        JdbcUrl url = JdbcUrl.parse(databaseUrl);
        config.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            config.setUsername(url.user());
            config.setPassword(url.password());
        }
        log.info("using external PostgreSQL at {}", url.redacted());
        return new HikariDataSource(config);
    }

    private static EmbeddedPostgres startEmbedded(Path dir) {
        try {
            Files.createDirectories(dir);
            log.info("DATABASE_URL unset: starting embedded PostgreSQL with data in {}", dir.toAbsolutePath());
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dir, e);
        }
    }

    /** Stops the embedded server after the pool that uses it. */
    static final class EmbeddedHikari extends HikariDataSource {
        private final EmbeddedPostgres postgres;

        EmbeddedHikari(HikariConfig config, EmbeddedPostgres postgres) {
            super(config);
            this.postgres = postgres;
        }

        @Override
        public void close() {
            super.close();
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("embedded PostgreSQL did not stop cleanly", e);
            }
        }
    }

    /** A parsed {@code DATABASE_URL}; the password never appears in {@link #redacted()}. */
    record JdbcUrl(String jdbcUrl, String user, String password) {

        static JdbcUrl parse(String value) {
            if (value.startsWith("jdbc:postgresql:")) {
                return new JdbcUrl(value, null, null);
            }
            URI uri = URI.create(value);
            if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
                throw new IllegalArgumentException(
                        "DATABASE_URL must be postgres://user:pass@host:port/db or jdbc:postgresql:…");
            }
            String user = null;
            String password = null;
            if (uri.getUserInfo() != null) {
                String[] parts = uri.getUserInfo().split(":", 2);
                user = parts[0];
                password = parts.length > 1 ? parts[1] : null;
            }
            int port = uri.getPort() > 0 ? uri.getPort() : 5432;
            String query = uri.getQuery() == null ? "" : "?" + uri.getQuery();
            return new JdbcUrl(
                    "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath() + query, user, password);
        }

        String redacted() {
            int q = jdbcUrl.indexOf('?');
            return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
        }
    }
}
