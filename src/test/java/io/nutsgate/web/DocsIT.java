package io.nutsgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.GatewayTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class DocsIT extends GatewayTest {

    @Test
    void shouldDescribeEveryGatewayEndpointInOpenApi() {
        JsonNode paths = body(get("/v3/api-docs")).get("paths");
        assertThat(paths.has("/nuts/orders")).isTrue();
        assertThat(paths.get("/nuts/positions").has("post")).isTrue();
        assertThat(paths.get("/nuts/update").get("get").get("deprecated").asBoolean())
                .isTrue();
        assertThat(paths.has("/nuts/stats")).isTrue();
        assertThat(paths.has("/nuts/referrer/stats")).isTrue();
        assertThat(paths.has("/nuts/config")).isTrue();
        assertThat(paths.get("/nuts/orders")
                        .get("get")
                        .get("responses")
                        .get("200")
                        .toString())
                .contains("OrdersResponse");
    }

    @Test
    void shouldServeSwaggerUi() {
        HttpResponse<String> response =
                send(java.net.http.HttpRequest.newBuilder(uri("/docs")).build());
        HttpResponse<String> page = response.statusCode() / 100 == 3
                ? get(response.headers().firstValue("Location").orElseThrow().replaceFirst("^https?://[^/]+", ""))
                : response;
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).containsIgnoringCase("swagger");
    }

    @Test
    void shouldExposePrometheusMetricsOfTheGateway() {
        get("/nuts/orders");
        String metrics = get("/actuator/prometheus", OPERATOR).body();
        assertThat(metrics).contains("nuts_upstream_latency_seconds", "nuts_cache_requests_total");
    }

    @Test
    void shouldReportUpstreamHealth() {
        get("/nuts/stats");
        JsonNode health = body(get("/actuator/health", OPERATOR));
        assertThat(health.get("components").get("upstream").get("status").asString())
                .isEqualTo("UP");
    }
}
