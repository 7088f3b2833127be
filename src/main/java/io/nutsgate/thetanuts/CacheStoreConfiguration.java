package io.nutsgate.thetanuts;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.Delay;
import io.nutsgate.settings.NutsProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The one place that chooses the cache: Redis when {@code REDIS_URL} is set, in process otherwise. Redis commands
 * time out after {@code nuts.redis.timeout}; while the connection is down they fail at once instead of queueing,
 * and the client reconnects within a second of Redis coming back.
 */
@Configuration(proxyBeanMethods = false)
class CacheStoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CacheStoreConfiguration.class);

    @Bean
    CacheStore cacheStore(NutsProperties properties, ObjectProvider<RedisConnectionFactory> redis, Breakers breakers) {
        if (properties.hasRedis()) {
            log.info("caching upstream bodies in Redis (shared between instances) behind an in-process copy");
            return new RedisCacheStore(redis.getObject(), properties.redisKeyPrefix(), breakers.redis());
        }
        log.info("REDIS_URL unset: caching upstream bodies in process");
        return new CaffeineCacheStore();
    }

    @Bean
    LettuceClientConfigurationBuilderCustomizer redisCommandTimeout(NutsProperties properties) {
        return builder -> builder.commandTimeout(properties.redis().timeout());
    }

    @Bean
    LettuceClientOptionsBuilderCustomizer redisFailFast(NutsProperties properties) {
        Duration timeout = properties.redis().timeout();
        return options -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout));
    }

    @Bean
    ClientResourcesBuilderCustomizer redisReconnectDelay() {
        return resources -> resources.reconnectDelay(Delay.exponential(
                Duration.ofMillis(50), Duration.ofSeconds(1), 2, java.util.concurrent.TimeUnit.MILLISECONDS));
    }
}
