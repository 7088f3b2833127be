package io.nutsgate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Instances;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Deployments of before the dashboard moved to NUTS_MANAGEMENT_TOKEN: one that set only NUTS_OPERATOR_TOKEN keeps its
 * dashboard (the old token is now the management token, with a warning at start), and one that set neither keeps it
 * closed.
 */
@ExtendWith(OutputCaptureExtension.class)
class OperatorTokenAliasIT {

    private static final String OLD_TOKEN = "old-operator-token-0123456789";
    private static final FixtureUpstream upstream = new FixtureUpstream();
    private static final JsonMapper json = JsonMapper.builder().build();
    private static ConfigurableApplicationContext onlyOldToken;
    private static ConfigurableApplicationContext noToken;
    private static String startupLog;

    @BeforeAll
    static void start(CapturedOutput output) {
        // As the deployment sets it: the environment variable, resolved by application.yml.
        onlyOldToken = start("--NUTS_OPERATOR_TOKEN=" + OLD_TOKEN);
        noToken = start();
        startupLog = output.getAll();
    }

    @AfterAll
    static void stop() {
        if (noToken != null) noToken.close();
        if (onlyOldToken != null) onlyOldToken.close();
        upstream.close();
    }

    @Test
    void shouldOpenTheDashboardAndTheMetricsWithTheOperatorTokenSetAlone() throws Exception {
        HttpResponse<String> dashboard = get(onlyOldToken, "/nuts/dashboard", "Bearer " + OLD_TOKEN);
        HttpResponse<String> prometheus = get(onlyOldToken, "/actuator/prometheus", "Bearer " + OLD_TOKEN);
        HttpResponse<String> anonymous = get(onlyOldToken, "/nuts/dashboard", null);

        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(json.readTree(dashboard.body()).path("success").asBoolean()).isTrue();
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(code(anonymous)).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void shouldWarnOnceAtStartThatTheOperatorTokenIsDeprecatedWithoutLoggingIt() {
        assertThat(startupLog.split("NUTS_OPERATOR_TOKEN is deprecated", -1)).hasSize(2);
        assertThat(startupLog).contains("set NUTS_MANAGEMENT_TOKEN instead").doesNotContain(OLD_TOKEN);
    }

    @Test
    void shouldKeepTheDashboardClosedWithNoTokenSet() throws Exception {
        HttpResponse<String> anonymous = get(noToken, "/nuts/dashboard", null);
        HttpResponse<String> guess = get(noToken, "/nuts/dashboard", "Bearer " + OLD_TOKEN);

        assertThat(anonymous.statusCode()).isEqualTo(404);
        assertThat(code(anonymous)).isEqualTo("OPERATOR_NOT_CONFIGURED");
        assertThat(guess.statusCode()).isEqualTo(404);
        assertThat(code(guess)).isEqualTo("OPERATOR_NOT_CONFIGURED");
    }

    private static ConfigurableApplicationContext start(String... token) {
        List<String> args = new ArrayList<>(List.of(
                "--nuts.trades.scheduled-sync=false",
                "--nuts.trades.sync-on-events=false",
                "--nuts.orders-url=" + upstream.ordersUrl(),
                "--nuts.indexer-url=" + upstream.indexerUrl()));
        args.addAll(List.of(token));
        return Instances.startExactly(args.toArray(String[]::new));
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String path, String authorization) {
        return authorization == null
                ? Instances.getAnonymous(app, path)
                : Instances.get(app, path, "Authorization", authorization);
    }

    private static String code(HttpResponse<String> response) {
        JsonNode body = json.readTree(response.body());
        return body.path("error").path("code").asString();
    }
}
