package io.nutsgate.web;

import java.time.Instant;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * How the API writes JSON: every {@link Instant} as unix seconds (an integer), so a timestamp has one form in
 * every answer; a field ending {@code At} may carry its ISO-8601 text beside it in a {@code …AtIso} field.
 */
@Configuration(proxyBeanMethods = false)
class JsonConfiguration {

    @Bean
    JacksonModule unixSecondsModule() {
        return new SimpleModule("nutsgate-unix-seconds").addSerializer(Instant.class, new UnixSeconds());
    }

    static final class UnixSeconds extends ValueSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializationContext context) {
            gen.writeNumber(value.getEpochSecond());
        }
    }
}
