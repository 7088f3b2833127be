package io.nutsgate.ops;

import io.nutsgate.settings.StartupRefusedException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns the two observability settings into Spring Boot's before logging starts:
 *
 * <ul>
 *   <li>{@code NUTS_LOG_FORMAT} = {@code text} (the default: one readable line), {@code ecs} or {@code logstash}
 *       (one JSON object a line, Spring Boot's structured logging on the console); any other value refuses start-up.
 *   <li>{@code OTEL_EXPORTER_OTLP_ENDPOINT} (the OpenTelemetry variable: a collector's base URL, {@code /v1/traces}
 *       added as the specification says) or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (used as is): spans are sent
 *       there over OTLP/HTTP. Unset, nothing is exported (trace ids still reach the log lines).
 * </ul>
 */
class TelemetryEnvironment implements EnvironmentPostProcessor, Ordered {

    static final String LOG_FORMAT = "NUTS_LOG_FORMAT";
    static final String OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    static final String OTLP_TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> properties = new HashMap<>();
        String format = environment.getProperty(LOG_FORMAT, "text").trim().toLowerCase(Locale.ROOT);
        switch (format) {
            case "text", "" -> {}
            case "ecs", "logstash" -> properties.put("logging.structured.format.console", format);
            default ->
                throw new StartupRefusedException(LOG_FORMAT + "=" + environment.getProperty(LOG_FORMAT)
                        + " is not a log format: use text (the default), ecs or logstash, e.g. NUTS_LOG_FORMAT=ecs");
        }
        String traces = tracesEndpoint(environment);
        if (traces != null) {
            properties.put("management.opentelemetry.tracing.export.otlp.endpoint", traces);
        }
        if (!properties.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("nutsTelemetry", properties));
        }
    }

    /** The URL spans are POSTed to, or null when no OTLP endpoint is set. */
    static String tracesEndpoint(ConfigurableEnvironment environment) {
        String traces = environment.getProperty(OTLP_TRACES_ENDPOINT, "").trim();
        if (!traces.isEmpty()) {
            return traces;
        }
        String base = environment.getProperty(OTLP_ENDPOINT, "").trim();
        if (base.isEmpty()) {
            return null;
        }
        if (!base.matches("^https?://\\S+$")) {
            throw new StartupRefusedException(OTLP_ENDPOINT + "=" + base
                    + " is not an http(s) URL: give the collector's OTLP/HTTP base, e.g."
                    + " OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318");
        }
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces";
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
