package io.nutsgate.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.OtlpReceiver;
import io.nutsgate.support.OtlpReceiver.ReceivedSpan;
import io.nutsgate.support.UniqueContext;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemProperty;
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
 * span for the upstream call at a collector (and the chain indexer its batches with their RPC requests) (a local OTLP/HTTP receiver decoding with the official protobuf classes),
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
    /**
     * A JSON-RPC node that is Base (eth_chainId 0x2105) and answers every other method with a JSON-RPC error: the
     * indexer's batches fail at their first read, which is all the RPC and batch spans need.
     */
    private static final HttpServer node = jsonRpcNode();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) {
        // what TelemetryEnvironment makes of OTEL_EXPORTER_OTLP_ENDPOINT (see TelemetryEnvironmentTests)
        registry.add(
                "management.opentelemetry.tracing.export.otlp.endpoint", () -> collector.endpoint() + "/v1/traces");
        registry.add("nuts.orders-url", upstream::ordersUrl);
        registry.add("nuts.indexer-url", upstream::indexerUrl);
        registry.add(
                "nuts.chain.rpc-url",
                () -> "http://127.0.0.1:" + node.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        collector.close();
        upstream.close();
        // Logging is one per JVM: Spring Boot keeps the console format of this context in a system property
        // (LoggingSystemProperty.CONSOLE_STRUCTURED_FORMAT) that later contexts, which set none, would inherit, and it
        // sets logging up once. Without this every later test context of the run logs in ECS, not in its own format.
        System.clearProperty(LoggingSystemProperty.CONSOLE_STRUCTURED_FORMAT.getEnvironmentVariableName());
        LoggingSystem.get(TracingIT.class.getClassLoader()).cleanUp();
        node.stop(0);
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

    @Test
    void shouldExportEachIndexerBatchWithItsRpcRequests() {
        ReceivedSpan batch =
                await().atMost(Duration.ofSeconds(60)).until(() -> find(null, "indexer batch"), s -> s != null);
        ReceivedSpan rpc = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> collector.spans().stream()
                                .filter(s -> s.name().equals("rpc eth_getBlockByNumber"))
                                .filter(s -> s.parentSpanId().equals(batch.spanId()))
                                .findFirst()
                                .orElse(null),
                        s -> s != null);

        assertThat(rpc.traceId()).isEqualTo(batch.traceId());
    }

    private static HttpServer jsonRpcNode() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    JsonNode request = json.readTree(exchange.getRequestBody().readAllBytes());
                    String id = request.path("id").toString();
                    String answer = request.path("method").asString().equals("eth_chainId")
                            ? "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"0x2105\"}"
                            : "{\"jsonrpc\":\"2.0\",\"id\":" + id
                                    + ",\"error\":{\"code\":-32000,\"message\":\"stand-in\"}}";
                    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, bytes.length);
                    exchange.getResponseBody().write(bytes);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ReceivedSpan find(SpanKind kind, String name) {
        List<ReceivedSpan> spans = collector.spans();
        return spans.stream()
                .filter(s -> s.name().equals(name) && (kind == null || s.kind() == kind))
                .findFirst()
                .orElse(null);
    }
}
