package io.nutsgate.resilience;

import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one {@link RetryRegistry} of the application, made as {@link Retries#registry} says. */
@Configuration(proxyBeanMethods = false)
class ResilienceConfiguration {

    @Bean
    RetryRegistry retryRegistry(MeterRegistry meters) {
        return Retries.registry(meters);
    }
}
