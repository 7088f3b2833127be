package io.nutsgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.OtlpReceiver;
import io.nutsgate.support.OtlpReceiver.ReceivedSpan;
import io.nutsgate.support.UniqueContext;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * With NUTS_LOG_FORMAT=ecs and an OTLP endpoint, a request that calls the indexer leaves: a server span and a child
 * span for the upstream call at a collector (a local OTLP/HTTP receiver decoding with the official protobuf classes),
 * and JSON log lines carrying the request id and the same trace id.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "NUTS_LOG_FORMAT=ecs",
            "management.opentelemetry.tracing.export.schedule-delay=100ms",
            "nuts.trades.scheduled-sync=false",
            "nuts.trades.sync-on-events=false"
        })
@ExtendWith(OutputCaptureExtension.class)
@UniqueContext
class TracingIT {

    private static final OtlpReceiver collector = new OtlpReceiver();
    private static final FixtureUpstream upstream =
            new FixtureUpstream().fault("/book/stats", FixtureUpstream.Fault.HTTP_500);
    private static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) {
        // what TelemetryEnvironment makes of OTEL_EXPORTER_OTLP_ENDPOINT (see TelemetryEnvironmentTests)
        registry.add(
                "management.opentelemetry.tracing.export.otlp.endpoint", () -> collector.endpoint() + "/v1/traces");
        registry.add("nuts.orders-url", upstream::ordersUrl);
        registry.add("nuts.indexer-url", upstream::indexerUrl);
    }

    @AfterAll
    static void stop() {
        collector.close();
        upstream.close();
    }

    @Test
    void shouldExportTheRequestAndItsUpstreamCallAsOneTraceNamedOnTheLogLine(CapturedOutput output) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nuts/stats"))
                                .header("X-Request-Id", "trace-me-4711")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(502);

        ReceivedSpan server = await().atMost(Duration.ofSeconds(60))
                .until(() -> find(SpanKind.SPAN_KIND_SERVER, "http get /nuts/stats"), s -> s != null);
        ReceivedSpan call =
                await().atMost(Duration.ofSeconds(60)).until(() -> find(null, "upstream stats"), s -> s != null);
        assertThat(call.traceId()).isEqualTo(server.traceId());
        assertThat(call.parentSpanId()).isEqualTo(server.spanId());

        JsonNode line = output.getAll()
                .lines()
                .filter(l -> l.startsWith("{") && l.contains("stats call to"))
                .map(json::readTree)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no JSON log line of the failed call in:\n" + output.getAll()));
        assertThat(line.toString()).contains("\"trace-me-4711\"").contains("\"" + server.traceId() + "\"");
        assertThat(line.path("message").asString()).contains("(THETANUTS_INDEXER_URL) failed: answered HTTP 500");
    }

    private static ReceivedSpan find(SpanKind kind, String name) {
        List<ReceivedSpan> spans = collector.spans();
        return spans.stream()
                .filter(s -> s.name().equals(name) && (kind == null || s.kind() == kind))
                .findFirst()
                .orElse(null);
    }
}
