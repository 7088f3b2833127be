package io.nutsgate.push;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.resilience.Retries;
import io.nutsgate.settings.NutsProperties;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place that chooses how pushes reach other instances: Redis pub/sub with {@code REDIS_URL}, else PostgreSQL
 * {@code LISTEN/NOTIFY} on the shared database.
 */
@Configuration(proxyBeanMethods = false)
class PushBusConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PushBusConfiguration.class);

    @Bean
    PushBus pushBus(
            NutsProperties properties,
            ObjectProvider<RedisConnectionFactory> redis,
            ObjectProvider<DataSource> database,
            PushSockets sockets,
            PushMetrics metrics,
            PushInstance instance,
            JsonMapper json,
            Retries retries,
            CircuitBreakers breakers,
            MeterRegistry meters) {
        Duration retry = properties.push().busRetry();
        NutsProperties.Breaker breaker = properties.push().busBreaker();
        if (properties.hasRedis()) {
            String channel = RedisPushBus.channel(properties.redisKeyPrefix());
            log.info("pushes fan out between instances over Redis pub/sub ({})", channel);
            return new RedisPushBus(
                    redis.getObject(),
                    channel,
                    sockets,
                    metrics,
                    instance,
                    json,
                    retry,
                    retries,
                    breakers.breaker("push-redis", breaker, e -> true),
                    meters);
        }
        HikariDataSource hikari = hikari(database.getIfAvailable());
        if (hikari != null && hikari.getJdbcUrl() != null && hikari.getJdbcUrl().startsWith("jdbc:postgresql:")) {
            Properties connection = new Properties();
            connection.putAll(hikari.getDataSourceProperties());
            if (hikari.getUsername() != null) {
                connection.setProperty("user", hikari.getUsername());
            }
            if (hikari.getPassword() != null) {
                connection.setProperty("password", hikari.getPassword());
            }
            return new PostgresPushBus(
                    hikari,
                    hikari.getJdbcUrl(),
                    connection,
                    sockets,
                    metrics,
                    instance,
                    json,
                    retry,
                    retries,
                    breakers.breaker("push-pg-notify", breaker, e -> true),
                    meters);
        }
        log.info("REDIS_URL unset and no PostgreSQL pool: pushes reach the sockets of this instance only");
        return new LocalPushBus(sockets, metrics);
    }

    private static HikariDataSource hikari(DataSource dataSource) {
        if (dataSource == null) {
            return null;
        }
        try {
            return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
        } catch (SQLException e) {
            return null;
        }
    }
}
