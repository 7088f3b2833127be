package io.nutsgate.ops;

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
    void shouldRefuseTheActuatorInEverySpellingTheRouterAccepts() {
        // Each of these is a way a client can write a protected actuator path; Spring MVC routes several of them to
        // the endpoint (decoding %61, dropping ;params). None may answer the stranger with metrics or details.
        String[] spellings = {
            "/%61ctuator/prometheus",
            "/%61ctuator/metrics",
            "/actuator/%70rometheus",
            "/act%75ator/metrics/jvm.memory.used",
            "/actuator;x=1/prometheus",
            "/actuator/prometheus;jsessionid=1",
            "/actuator/prometheus/",
            "/actuator//prometheus",
            "//actuator/prometheus",
            "/ACTUATOR/prometheus",
            "/Actuator/Metrics",
            "/actuator/health/%75pstream",
            "/actuator/health;a=b/upstream",
            "/actuator/health//upstream/",
        };
        for (String path : spellings) {
            HttpResponse<String> anonymous = get(path);

            assertThat(anonymous.statusCode()).as(path).isIn(400, 401, 404);
            assertThat(anonymous.body()).as(path).doesNotContain("jvm_").doesNotContain("measurements");
            assertThat(anonymous.body()).as(path).doesNotContain("\"components\"");
        }
        // The oracle that the spellings are real routes: the operator reaches the endpoint through them.
        assertThat(get("/%61ctuator/prometheus", OPERATOR).body()).contains("jvm_");
        assertThat(get("/actuator;x=1/prometheus", OPERATOR).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldKeepTheDashboardDataClosedInEverySpelling() {
        for (String path : new String[] {"/nuts/%64ashboard", "/nuts;x=1/dashboard", "/nuts/dashboard;y=2"}) {
            HttpResponse<String> anonymous = get(path);

            assertThat(anonymous.statusCode()).as(path).isIn(400, 401, 404);
            assertThat(anonymous.body()).as(path).doesNotContain("revenue");
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
