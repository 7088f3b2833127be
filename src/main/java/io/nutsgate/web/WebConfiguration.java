package io.nutsgate.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.common.CachedRead;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.RateLimitedLog;
import io.nutsgate.settings.NutsProperties;
import java.io.IOException;
import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;

/** CORS for the web frontend, from {@code CORS_ORIGIN} (a comma-separated list, or *). */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    private final NutsProperties properties;

    WebConfiguration(NutsProperties properties) {
        this.properties = properties;
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        CorsConfiguration cors = cors();
        registry.addMapping("/**")
                .allowedOriginPatterns(cors.getAllowedOriginPatterns().toArray(String[]::new))
                .allowedMethods(cors.getAllowedMethods().toArray(String[]::new))
                .allowedHeaders(cors.getAllowedHeaders().toArray(String[]::new))
                .exposedHeaders(cors.getExposedHeaders().toArray(String[]::new))
                .maxAge(cors.getMaxAge());
    }

    /** The one CORS policy, for Spring MVC's handler mappings and for the cached reads answered before them. */
    private CorsConfiguration cors() {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOriginPatterns(List.of(properties.corsOrigin().split("\\s*,\\s*")));
        cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of("*"));
        cors.setExposedHeaders(List.of("ETag", "X-Request-Id", "Deprecation", "Retry-After"));
        cors.setMaxAge(3600L);
        return cors;
    }

    /**
     * Cached reads answered before the dispatcher and the request observation (its order is ahead of Spring Boot's
     * observation filter, {@code HIGHEST_PRECEDENCE + 1}), registered for their paths only.
     */
    @Bean
    FilterRegistrationBean<CachedReadFilter> cachedReads(List<CachedRead> reads, MeterRegistry meters) {
        CachedReadFilter filter = new CachedReadFilter(reads, cors(), new EnvelopeCorsProcessor(), meters);
        FilterRegistrationBean<CachedReadFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setUrlPatterns(List.of(filter.paths()));
        registration.setEnabled(!reads.isEmpty());
        return registration;
    }

    /** A refused cross-origin request answers the error envelope, not Spring's plain-text "Invalid CORS request". */
    @Bean
    static BeanPostProcessor corsRejectionEnvelope() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof AbstractHandlerMapping mapping) {
                    mapping.setCorsProcessor(new EnvelopeCorsProcessor());
                }
                return bean;
            }
        };
    }

    static final class EnvelopeCorsProcessor extends DefaultCorsProcessor {
        @Override
        protected void rejectRequest(ServerHttpResponse response) throws IOException {
            RateLimitedLog.REJECTED.info("cors", "refused a cross-origin request from an origin not in CORS_ORIGIN");
            response.setStatusCode(HttpStatus.FORBIDDEN);
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            response.getBody()
                    .write(JsonErrors.body(
                            ErrorCode.CORS_REJECTED,
                            "Origin: this origin, method or header is not allowed (CORS_ORIGIN)"));
            response.flush();
        }
    }
}
