package io.nutsgate.thetanuts;

import io.nutsgate.system.NutsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/** The one place that chooses the cache: Redis when {@code REDIS_URL} is set, in process otherwise. */
@Configuration(proxyBeanMethods = false)
class CacheStoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CacheStoreConfiguration.class);

    @Bean
    CacheStore cacheStore(NutsProperties properties, ObjectProvider<RedisConnectionFactory> redis) {
        if (properties.hasRedis()) {
            log.info("caching upstream bodies in Redis (shared between instances)");
            return new RedisCacheStore(redis.getObject(), properties.redisKeyPrefix());
        }
        log.info("REDIS_URL unset: caching upstream bodies in process");
        return new CaffeineCacheStore();
    }
}
