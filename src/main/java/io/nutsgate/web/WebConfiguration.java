package io.nutsgate.web;

import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.RateLimitedLog;
import io.nutsgate.settings.NutsProperties;
import java.io.IOException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
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
        registry.addMapping("/**")
                .allowedOriginPatterns(properties.corsOrigin().split("\\s*,\\s*"))
                .allowedMethods("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS")
                .allowedHeaders("*")
                .exposedHeaders("ETag", "X-Request-Id", "Deprecation", "Retry-After")
                .maxAge(3600);
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
