package io.nutsgate.positions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.FixtureUpstream.Fault;
import io.nutsgate.support.GatewayTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

@Import(UpdateIT.Events.class)
class UpdateIT extends GatewayTest {

    @TestConfiguration(proxyBeanMethods = false)
    static class Events {
        final List<PositionsRefreshRequestedEvent> received = new CopyOnWriteArrayList<>();

        @EventListener
        void on(PositionsRefreshRequestedEvent event) {
            received.add(event);
        }
    }

    @Autowired
    Events events;

    @Test
    void shouldTriggerTheIndexerAndRefreshTheCachedPositionsOfTheAddress() {
        fresh();
        String positions = "{\"address\":\"" + USER + "\",\"type\":\"open\"}";
        post("/nuts/positions", positions);

        HttpResponse<String> response = post("/nuts/update", "{\"address\":\"" + USER + "\"}");
        post("/nuts/positions", positions);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response).get("data").get("status").asString()).isEqualTo("success");
        assertThat(upstream.hits("/book/update")).isEqualTo(1);
        assertThat(upstream.hits("/book/user/" + USER + "/positions")).isEqualTo(2);
        assertThat(events.received).contains(new PositionsRefreshRequestedEvent(USER));
    }

    @Test
    void shouldKeepTheLastGoodPositionsWhenTheIndexerFailsToAnswerThem() {
        fresh();
        String positions = "{\"address\":\"" + USER + "\",\"type\":\"open\"}";
        HttpResponse<String> good = post("/nuts/positions", positions);
        upstream.fault("/book/user", Fault.HTTP_500);

        HttpResponse<String> update = post("/nuts/update", "{\"address\":\"" + USER + "\"}");
        HttpResponse<String> after = post("/nuts/positions", positions);

        assertThat(update.statusCode()).isEqualTo(200);
        assertThat(upstream.hits("/book/user/" + USER + "/positions"))
                .as("the update asked again")
                .isEqualTo(2);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo(good.body());
    }

    @Test
    void shouldRetryASkippedSyncInTheBackgroundWithoutHoldingTheCaller() {
        fresh();
        upstream.body("/book/update", "{\"status\":\"skipped\"}");

        HttpResponse<String> response = post("/nuts/update", "{}");
        int callsWhenAnswered = upstream.hits("/book/update");

        assertThat(body(response).get("data").get("status").asString()).isEqualTo("skipped");
        assertThat(body(response).get("data").get("retryScheduled").asBoolean()).isTrue();
        assertThat(callsWhenAnswered)
                .as("answered without waiting for the retries")
                .isLessThan(4);
        // Retries every 200 ms in this test, at most 3 of them, then it gives up.
        await().atMost(Duration.ofSeconds(5)).until(() -> upstream.hits("/book/update") == 4);
        await().during(Duration.ofMillis(600))
                .atMost(Duration.ofSeconds(2))
                .until(() -> upstream.hits("/book/update") == 4);
    }

    @Test
    void shouldLimitUpdatesPerClient() {
        fresh();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            statuses.add(post("/nuts/update", "").statusCode());
        }
        HttpResponse<String> limited = post("/nuts/update", "");

        assertThat(statuses.subList(0, 6)).containsOnly(200);
        assertThat(statuses.get(6)).isEqualTo(429);
        assertThat(body(limited).get("error").get("code").asString()).isEqualTo("RATE_LIMITED");
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldKeepGetAsADeprecatedAlias() {
        fresh();
        HttpResponse<String> response = get("/nuts/update?address=" + USER);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Deprecation")).contains("true");
        io.nutsgate.support.Eip55.assertChecksummed(
                body(response).get("data").get("address").asString(), USER);
    }

    @Test
    void shouldRejectABadAddress() {
        fresh();
        HttpResponse<String> response = post("/nuts/update", "{\"address\":\"0x123\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo("INVALID_ADDRESS");
        assertThat(upstream.hits("/book/update")).isZero();
    }

    /** A new rate-limit window: the limiter follows the test clock. */
    private void fresh() {
        clock.advance(Duration.ofMinutes(2L * ++windows));
    }

    private static int windows;
}
