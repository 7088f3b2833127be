package io.nutsgate.submissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.Devnet;
import io.nutsgate.support.ServiceTest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * What a pending submission of a made-up hash costs and how long it lives, over HTTP on the devnet: several clients
 * together reach the instance's cap of {@value #MAX_PENDING} pending submissions ({@code NUTS_FILLS_MAX_PENDING}) and
 * the next client, far below its own cap, is refused until the pending ones end; an unknown hash ends {@code failed}
 * at its deadline ({@code NUTS_FILLS_RECEIPT_TIMEOUT}) and its entry is deleted once {@code NUTS_FILLS_RETENTION} has
 * passed on the service's clock.
 */
class FillPendingBoundsIT extends ServiceTest {

    static final int MAX_PENDING = 4;
    static final Duration RETENTION = Duration.ofMinutes(5);
    /** Entries are pruned at the first receipt poll and then every this much of the machine's monotonic time. */
    static final Duration PRUNE_EVERY = Duration.ofSeconds(2);

    static final SecureRandom random = new SecureRandom();

    @Autowired
    JdbcClient jdbc;

    @Autowired
    FillSubmissions submissions;

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        Devnet.sharedWithReferrer(REFERRER).serveFromChain(registry);
        // the test's loopback is a trusted proxy: its X-Forwarded-For names the client
        registry.add("nuts.clients.trusted-proxies", () -> "127.0.0.1/32");
        registry.add("nuts.chain.poll-interval", () -> "1h");
        registry.add("nuts.chain.submissions.max-pending", () -> String.valueOf(MAX_PENDING));
        // long enough for the test's few requests to find them pending, short enough not to wait long for the end
        registry.add("nuts.chain.receipt-timeout", () -> "5s");
        registry.add("nuts.chain.receipt-poll-interval", () -> "100ms");
        registry.add("nuts.chain.receipt-max-poll-interval", () -> "500ms");
        registry.add("nuts.chain.submissions.retention", RETENTION::toString);
        registry.add("nuts.chain.submissions.prune-interval", PRUNE_EVERY::toString);
    }

    @Test
    void shouldRefuseAnyClientOnceSeveralTogetherFillTheOverallCapAndAcceptAgainWhenTheirSubmissionsEnd() {
        await().atMost(Duration.ofSeconds(30)).until(() -> submissions.pendingCount() == 0);
        List<String> clients = List.of("198.51.100.1", "198.51.100.2");
        List<String> held = new java.util.ArrayList<>();
        for (int i = 0; i < MAX_PENDING; i++) {
            String tx = madeUpHash();
            HttpResponse<String> accepted = submit(tx, clients.get(i % clients.size()));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            assertThat(body(accepted).path("data").path("state").asString()).isEqualTo("pending");
            held.add(tx);
        }

        // a third client with nothing pending of its own (its cap is 10) meets the instance's cap
        HttpResponse<String> refused = submit(madeUpHash(), "198.51.100.3");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(errorCode(refused)).isEqualTo("TOO_MANY_PENDING_FILLS");
        assertThat(body(refused).path("error").path("message").asString()).contains("this server");
        // asking again about a hash already followed takes no new place: answered as it stands
        HttpResponse<String> again = submit(held.get(0), clients.get(0));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(body(again).path("data").path("state").asString()).isEqualTo("pending");

        // the made-up hashes end at their deadline; their places are free again
        for (String tx : held) {
            JsonNode ended = awaitState(tx, "failed");
            assertThat(ended.path("error").asString()).contains("no receipt within 5 s");
        }
        HttpResponse<String> afterwards = submit(madeUpHash(), "198.51.100.3");
        assertThat(afterwards.statusCode()).as(afterwards.body()).isEqualTo(200);
        assertThat(body(afterwards).path("data").path("state").asString()).isEqualTo("pending");
    }

    @Test
    void shouldFailAnUnknownHashAtItsDeadlineAndDeleteItOnceTheRetentionHasPassed() {
        String tx = madeUpHash();
        HttpResponse<String> accepted = submit(tx, "198.51.100.4");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(body(accepted).path("data").path("state").asString()).isEqualTo("pending");

        JsonNode ended = awaitState(tx, "failed");
        assertThat(ended.path("error").asString()).contains("no receipt within 5 s");
        assertThat(ended.path("trades")).isEmpty();
        assertThat(rows(tx)).isEqualTo(1); // the service's clock has not moved: well within the retention

        // the retention passes on the service's clock; the next prune deletes the ended entry
        clock.advance(RETENTION.plusSeconds(1));
        await().atMost(PRUNE_EVERY.plusSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> rows(tx) == 0);
        HttpResponse<String> gone = get("/nuts/fills/" + tx);
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(404);
        assertThat(errorCode(gone)).isEqualTo("FILL_NOT_FOUND");
    }

    private HttpResponse<String> submit(String tx, String client) {
        return post(
                "/nuts/fills", "{\"txHash\":\"" + tx + "\"}", "Accept", "application/json", "X-Forwarded-For", client);
    }

    private long rows(String tx) {
        return jdbc.sql("SELECT count(*) FROM fill_submissions WHERE tx_hash = :tx")
                .param("tx", tx)
                .query(Long.class)
                .single();
    }

    private JsonNode awaitState(String tx, String state) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = get("/nuts/fills/" + tx);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            found[0] = body(response).path("data");
            assertThat(found[0].path("state").asString()).isEqualTo(state);
        });
        return found[0];
    }

    private static String madeUpHash() {
        byte[] hash = new byte[32];
        random.nextBytes(hash);
        return "0x" + HexFormat.of().formatHex(hash);
    }
}
