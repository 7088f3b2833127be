package io.nutsgate.push;

import io.nutsgate.system.NutsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/** The one place that chooses how pushes reach other instances: Redis pub/sub with {@code REDIS_URL}, else none. */
@Configuration(proxyBeanMethods = false)
class PushBusConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PushBusConfiguration.class);

    @Bean
    PushBus pushBus(
            NutsProperties properties,
            ObjectProvider<RedisConnectionFactory> redis,
            PushSockets sockets,
            PushMetrics metrics,
            PushInstance instance,
            JsonMapper json) {
        if (properties.hasRedis()) {
            log.info("pushes fan out between instances over Redis pub/sub ({})", RedisPushBus.CHANNEL);
            return new RedisPushBus(redis.getObject(), sockets, metrics, instance, json);
        }
        log.info("REDIS_URL unset: pushes reach the sockets of this instance only");
        return new LocalPushBus(sockets, metrics);
    }
}
