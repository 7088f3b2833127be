package io.nutsgate.system;

import com.zaxxer.hikari.HikariDataSource;
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

    @Bean
    JdbcConnectionDetails jdbcConnectionDetails(NutsProperties properties) {
        NutsProperties.Database database = properties.database();
        if (!database.external()) {
            return EmbeddedDatabase.start(database.embeddedDir());
        }
        DatabaseUrl url = DatabaseUrl.parse(database.url());
        log.info("using the external PostgreSQL at {}", url.redacted());
        return url;
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
