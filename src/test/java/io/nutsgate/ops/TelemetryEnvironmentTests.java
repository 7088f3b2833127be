package io.nutsgate.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.settings.StartupRefusedException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class TelemetryEnvironmentTests {

    private final TelemetryEnvironment telemetry = new TelemetryEnvironment();

    private MockEnvironment apply(String... keyValues) {
        MockEnvironment environment = new MockEnvironment();
        for (int i = 0; i < keyValues.length; i += 2) {
            environment.setProperty(keyValues[i], keyValues[i + 1]);
        }
        telemetry.postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void shouldWriteJsonLinesInTheChosenFormat() {
        assertThat(apply("NUTS_LOG_FORMAT", "ecs").getProperty("logging.structured.format.console"))
                .isEqualTo("ecs");
        assertThat(apply("NUTS_LOG_FORMAT", "LOGSTASH").getProperty("logging.structured.format.console"))
                .isEqualTo("logstash");
    }

    @Test
    void shouldKeepTextLinesByDefault() {
        assertThat(apply().getProperty("logging.structured.format.console")).isNull();
        assertThat(apply("NUTS_LOG_FORMAT", "text").getProperty("logging.structured.format.console"))
                .isNull();
    }

    @Test
    void shouldRefuseAnUnknownLogFormatNamingTheSettingAndTheChoices() {
        assertThatThrownBy(() -> apply("NUTS_LOG_FORMAT", "json"))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("NUTS_LOG_FORMAT=json is not a log format: use text (the default), ecs or logstash,"
                        + " e.g. NUTS_LOG_FORMAT=ecs");
    }

    @Test
    void shouldSendSpansToTheTracesPathOfTheCollector() {
        assertThat(apply("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")
                        .getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
                .isEqualTo("http://collector:4318/v1/traces");
        assertThat(apply(
                                "OTEL_EXPORTER_OTLP_ENDPOINT",
                                "http://collector:4318",
                                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                                "http://traces:9999/custom")
                        .getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
                .isEqualTo("http://traces:9999/custom");
    }

    @Test
    void shouldExportNothingWithoutAnEndpoint() {
        assertThat(apply().getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
                .isNull();
    }

    @Test
    void shouldRefuseAnEndpointThatIsNotAnHttpUrl() {
        assertThatThrownBy(() -> apply("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317"))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessageStartingWith("OTEL_EXPORTER_OTLP_ENDPOINT=collector:4317 is not an http(s) URL");
    }
}
