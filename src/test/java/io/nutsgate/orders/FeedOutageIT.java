package io.nutsgate.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nutsgate.support.FixtureUpstream.Fault;
import io.nutsgate.support.GatewayTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The orders feed hanging or failing, over loopback: the stale copy is served at once while a single refresh runs,
 * and once the feed keeps failing the breaker stops calling it.
 */
class FeedOutageIT extends GatewayTest {

    @Autowired
    MeterRegistry meters;

    @AfterEach
    void normalSpeed() {
        upstream.slowDelay(Duration.ofSeconds(3));
    }

    @Test
    void shouldServeTheStaleCopyAtOnceWhileOneRefreshRunsAgainstAHangingFeed() throws Exception {
        assertThat(get("/nuts/orders").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(31));
        upstream.slowDelay(Duration.ofSeconds(6)).fault("/feed", Fault.SLOW);
        long timeoutsBefore = timeouts();

        List<HttpResponse<String>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> get("/nuts/orders"), clients));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                answers.add(call.get());
            }
        }

        assertThat(answers).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = body(response);
            assertThat(body.get("stale").asBoolean()).isTrue();
            assertThat(body.get("ageSeconds").asLong()).isEqualTo(31);
            assertThat(body.get("data").get("count").asInt()).isEqualTo(3);
        });
        // 16 requests during the hang, none waited; one refresh at a time, each ending with the 1 s timeout: one or,
        // on a slow machine, two of them (plus the first fetch), never one per request. The refresh runs in the
        // background, so it may reach the feed only after every answer was served.
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.hits("/feed/") >= 2);
        assertThat(upstream.hits("/feed/")).isBetween(2, 3);
        // let the hanging refresh time out before the next test
        await().atMost(Duration.ofSeconds(10)).until(() -> timeouts() > timeoutsBefore);
    }

    @Test
    void shouldStopCallingTheFeedOnceItKeepsFailing() {
        upstream.fault("/feed", Fault.HTTP_500);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> response = get("/nuts/orders");
            statuses.add(response.statusCode());
            assertThat(errorCode(response)).isEqualTo("UPSTREAM_UNAVAILABLE");
        }

        assertThat(statuses).containsOnly(502);
        // the breaker opened after 5 failed calls out of 5: the other 7 requests did not reach the feed
        assertThat(upstream.hits("/feed/")).isEqualTo(5);
        assertThat(get("/actuator/prometheus", OPERATOR).body())
                .containsPattern(
                        "resilience4j_circuitbreaker_state\\{[^}]*name=\"upstream-orders\"[^}]*state=\"open\"[^}]*} 1\\.0");
    }

    @Test
    void shouldServeStaleWithoutCallingAFeedWhoseBreakerIsOpen() {
        assertThat(get("/nuts/orders").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(31));
        upstream.fault("/feed", Fault.HTTP_500);
        breakers.upstream("orders").transitionToOpenState();

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = get("/nuts/orders");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(body(response).get("stale").asBoolean()).isTrue();
        }

        assertThat(upstream.hits("/feed/")).isEqualTo(1);
    }

    private long timeouts() {
        return meters
                .find("nuts.upstream.latency")
                .tag("endpoint", "orders")
                .tag("outcome", "timeout")
                .timers()
                .stream()
                .mapToLong(Timer::count)
                .sum();
    }
}
