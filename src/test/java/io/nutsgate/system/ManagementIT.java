package io.nutsgate.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.FixtureUpstream.Fault;
import io.nutsgate.support.GatewayTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The actuator as a stranger and as the operator (Bearer NUTS_MANAGEMENT_TOKEN) see it. */
class ManagementIT extends GatewayTest {

    @Test
    void shouldRefuseMetricsAndPrometheusWithoutTheToken() {
        for (String path : new String[] {"/actuator/prometheus", "/actuator/metrics", "/actuator/health/upstream"}) {
            HttpResponse<String> anonymous = get(path);
            HttpResponse<String> wrongToken = get(path, "Authorization", "Bearer guess");

            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(errorCode(anonymous)).isEqualTo("UNAUTHORIZED");
            assertThat(wrongToken.statusCode()).as(path).isEqualTo(401);
            assertThat(get(path, OPERATOR).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void shouldShowHealthDetailsOnlyToTheOperator() {
        get("/nuts/stats");

        JsonNode anonymous = body(get("/actuator/health"));
        JsonNode operator = body(get("/actuator/health", OPERATOR));

        assertThat(anonymous.get("status").asString()).isEqualTo("UP");
        assertThat(anonymous.has("components")).isFalse();
        assertThat(operator.get("components").get("upstream").get("status").asString())
                .isEqualTo("UP");
    }

    @Test
    void shouldKeepLivenessAndReadinessOpenAndReadyWhileTheFeedFails() {
        upstream.fault("/feed", Fault.HTTP_500);
        HttpResponse<String> details;
        HttpResponse<String> readiness;
        HttpResponse<String> readyz;
        try {
            for (int i = 0; i < 4; i++) {
                get("/nuts/orders");
            }
            details = get("/actuator/health", OPERATOR);
            readiness = get("/actuator/health/readiness");
            readyz = get("/readyz");
        } finally {
            // One good answer sets the feed's health back up for the tests sharing this context.
            upstream.reset();
            cache.evict("orders:feed");
            get("/nuts/orders");
        }

        // The feed is counted down in the details, yet the instance stays ready: stale answers are its job.
        assertThat(body(details).get("components").get("upstream").get("status").asString())
                .isEqualTo("DOWN");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(body(readiness).get("status").asString()).isEqualTo("UP");
        assertThat(readyz.statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/livez").statusCode()).isEqualTo(200);
    }
}
