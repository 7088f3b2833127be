package io.nutsgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.GatewayTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The plain reads of {@code /nuts/orders}, {@code /nuts/config} and the two stats are answered from stored bytes before Spring MVC
 * (web.CachedReadFilter): a client sees exactly what the controller answers, and an operator sees them counted in
 * {@code nuts_cached_reads_seconds}.
 */
class CachedReadsIT extends GatewayTest {

    @Test
    void shouldAnswerThePlainReadsBeforeSpringMvcAndCountThem() {
        for (String path : new String[] {"/nuts/orders", "/nuts/config", "/nuts/stats", "/nuts/referrer/stats"}) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(200); // fills the cache
            double cachedBefore = metric("nuts_cached_reads_seconds_count", path);
            double dispatchedBefore = metric("http_server_requests_seconds_count", path);

            for (int i = 0; i < 3; i++) {
                assertThat(get(path).statusCode()).isEqualTo(200);
            }

            assertThat(metric("nuts_cached_reads_seconds_count", path) - cachedBefore)
                    .as(path)
                    .isEqualTo(3);
            assertThat(metric("http_server_requests_seconds_count", path) - dispatchedBefore)
                    .as(path)
                    .isZero();
        }
    }

    @Test
    void shouldLeaveAMissToTheControllerSoTheUpstreamCallIsTracedAndMeasured() {
        double cachedBefore = metric("nuts_cached_reads_seconds_count", "/nuts/stats");
        double dispatchedBefore = metric("http_server_requests_seconds_count", "/nuts/stats");

        assertThat(get("/nuts/stats").statusCode()).isEqualTo(200); // a miss: the cache was emptied before the test

        assertThat(upstream.hits("/book/stats")).isEqualTo(1);
        assertThat(metric("nuts_cached_reads_seconds_count", "/nuts/stats") - cachedBefore)
                .isZero();
        assertThat(metric("http_server_requests_seconds_count", "/nuts/stats") - dispatchedBefore)
                .isEqualTo(1);
    }

    @Test
    void shouldServeTheSameBytesAsTheControllerDoesForAQueryThatKeepsEveryOrder() {
        HttpResponse<String> cached = get("/nuts/orders");
        // a query goes to the controller; minExpiry=0 keeps every order, so the answer must be the same
        HttpResponse<String> dispatched = get("/nuts/orders?minExpiry=0");

        assertThat(cached.statusCode()).isEqualTo(200);
        assertThat(dispatched.statusCode()).isEqualTo(200);
        assertThat(cached.body()).isEqualTo(dispatched.body());
        assertThat(cached.headers().firstValue("ETag"))
                .isPresent()
                .isEqualTo(dispatched.headers().firstValue("ETag"));
        assertThat(body(cached).path("data").path("count").asInt()).isEqualTo(3);
    }

    @Test
    void shouldEchoTheCallersRequestIdAndMakeOneWhenItIsMissingOrInsane() {
        assertThat(get("/nuts/orders", "X-Request-Id", "trace-me-42").headers().firstValue("X-Request-Id"))
                .contains("trace-me-42");
        assertThat(get("/nuts/config", "X-Request-Id", "no spaces allowed")
                        .headers()
                        .firstValue("X-Request-Id"))
                .hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f-]{36}"));
    }

    @Test
    void shouldLeaveOtherMethodsAndUnreadableQueriesToTheController() {
        HttpResponse<String> post = post("/nuts/orders", "{}");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(errorCode(post)).isEqualTo("METHOD_NOT_ALLOWED");

        HttpResponse<String> badFilter = get("/nuts/orders?isCall=maybe");
        assertThat(badFilter.statusCode()).isEqualTo(400);
        assertThat(errorCode(badFilter)).isEqualTo("INVALID_PARAMETER");

        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/nuts/config"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    private double metric(String name, String uri) {
        HttpResponse<String> scrape = get("/actuator/prometheus", OPERATOR);
        assertThat(scrape.statusCode()).isEqualTo(200);
        double total = 0;
        Matcher line =
                Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(scrape.body());
        while (line.find()) {
            if (line.group(1).contains("uri=\"" + uri + "\"")) {
                total += Double.parseDouble(line.group(2));
            }
        }
        return total;
    }
}
