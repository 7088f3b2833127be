package io.nutsgate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.GatewayTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The dashboard's data is behind the same protection as the metrics: Bearer NUTS_MANAGEMENT_TOKEN. */
class DashboardAccessIT extends GatewayTest {

    @Test
    void shouldOpenTheDashboardDataWithTheManagementToken() {
        HttpResponse<String> response = get("/nuts/dashboard?days=7", OPERATOR);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = body(response);
        assertThat(body.path("success").asBoolean()).isTrue();
        assertThat(body.path("data").path("days").asInt()).isEqualTo(7);
        assertThat(body.path("data").path("revenuePerDay").isArray()).isTrue();
    }

    @Test
    void shouldRefuseTheDashboardDataWhereTheMetricsAreRefused() {
        String[][] strangers = {
            {"Accept", "application/json"},
            {"Authorization", "Bearer guess-guess-guess-guess"},
            {"Authorization", "Basic " + MANAGEMENT_TOKEN},
        };
        for (String[] header : strangers) {
            HttpResponse<String> dashboard = get("/nuts/dashboard", header);
            HttpResponse<String> metrics = get("/actuator/metrics", header);

            assertThat(dashboard.statusCode()).as(header[1]).isEqualTo(401);
            assertThat(errorCode(dashboard)).as(header[1]).isEqualTo("UNAUTHORIZED");
            assertThat(body(dashboard).path("error").path("message").asString()).contains("NUTS_MANAGEMENT_TOKEN");
            assertThat(metrics.statusCode()).as(header[1]).isEqualTo(401);
            assertThat(errorCode(metrics)).as(header[1]).isEqualTo("UNAUTHORIZED");
        }
        assertThat(get("/actuator/metrics", OPERATOR).statusCode()).isEqualTo(200);
    }
}
