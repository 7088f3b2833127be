package io.nutsgate.submissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.indexer.ChainIndexerIT;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.HostileRpcNode;
import io.nutsgate.support.ServiceTest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A flood of made-up transaction hashes posted to {@code /nuts/fills} from {@value #FLOODERS} clients, kept up while a
 * real fill from another client is submitted and until it is recorded: each flooding client gets
 * {@value #PENDING_PER_CLIENT} pending submissions and 429s for the rest ({@code TOO_MANY_PENDING_FILLS}, then
 * {@code RATE_LIMITED} once its bucket is empty), the node is asked for a bounded number of
 * receipts (counted by a JSON-RPC stand-in in front of the devnet), and the real fill, submitted in the middle of the
 * flood, is recorded from its receipt and visible in its taker's trades. Its latency under a flood is measured by
 * {@code bench/fill-flood.sh}, not here.
 */
class FillFloodIT extends ServiceTest {

    static final int FLOODERS = 4;
    static final int PENDING_PER_CLIENT = 10; // NUTS_FILLS_MAX_PENDING_PER_CLIENT's default
    /** Fewer than the flood keeps pending: a poll cannot ask them all, and the real fill, never asked, goes first. */
    static final int RECEIPTS_PER_POLL = 10;
    /**
     * Asks of one unknown hash within the 2-minute receipt timeout, waits doubling from 0.5 s up to 10 s: at 0, 0.5,
     * 1.5, 3.5, 7.5, 15.5, then every 10 s up to 115.5 — 16 asks.
     */
    static final int ASKS_PER_UNKNOWN_HASH = 16;

    static Devnet devnet;
    static HostileRpcNode node;

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        devnet = Devnet.start(REFERRER);
        node = HostileRpcNode.serving(devnet, registry);
        registry.add("nuts.clients.trusted-proxies", () -> "127.0.0.1/32");
        registry.add("nuts.chain.poll-interval", () -> "1h"); // receipts alone record the real fill
        registry.add("nuts.chain.submissions.receipts-per-poll", () -> String.valueOf(RECEIPTS_PER_POLL));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    void shouldBoundAFloodOfMadeUpHashesAndRecordARealFillSubmittedWhileItGoesOn() throws Exception {
        Flood flood = new Flood();
        ExecutorService flooding = Executors.newSingleThreadExecutor();
        try {
            Future<?> running = flooding.submit(flood::run);
            // the flood has taken every place it can before the real fill comes
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(flood.outcomes.getOrDefault("accepted", 0))
                            .isEqualTo(FLOODERS * PENDING_PER_CLIENT));

            Account taker = devnet.takers().get(0);
            String tx = ChainIndexerIT.fill(devnet, taker, REFERRER)
                    .getTransactionHash()
                    .toLowerCase(Locale.ROOT);
            HttpResponse<String> real = post(
                    "/nuts/fills",
                    "{\"txHash\":\"" + tx + "\"}",
                    "Accept",
                    "application/json",
                    "X-Forwarded-For",
                    "203.0.113.8");
            assertThat(real.statusCode()).as(real.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(body(get("/nuts/fills/" + tx))
                            .path("data")
                            .path("state")
                            .asString())
                    .isEqualTo("recorded"));
            // the flood still went on after the real fill was recorded: it was recorded during the flood
            int sentWhenRecorded = flood.sent.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> flood.sent.get() > sentWhenRecorded);
            flood.stop = true;
            running.get(30, TimeUnit.SECONDS);

            JsonNode trades = body(get("/nuts/users/" + taker.address() + "/trades?limit=100"))
                    .path("data")
                    .path("trades");
            assertThat(trades)
                    .filteredOn(t -> t.path("entryTxHash").asString().equals(tx))
                    .singleElement()
                    .satisfies(t -> assertThat(t.path("premium").path("raw").asString())
                            .isEqualTo(ChainIndexerIT.PREMIUM.toString()));
        } finally {
            flood.stop = true;
            flooding.shutdownNow();
            assertThat(flooding.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        // every answer past the first 10 of each client a refusal: its pending cap, or its bucket of 30 (how many of
        // each depends on how fast this machine lets the flood go, so only their sum is exact)
        assertThat(flood.unexpected).isEmpty();
        assertThat(flood.outcomes.keySet()).isSubsetOf("accepted", "TOO_MANY_PENDING_FILLS", "RATE_LIMITED");
        assertThat(flood.outcomes.get("accepted")).isEqualTo(FLOODERS * PENDING_PER_CLIENT);
        assertThat(flood.outcomes.get("TOO_MANY_PENDING_FILLS")).isPositive();
        assertThat(flood.outcomes.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(flood.sent.get());
        // the node was asked for the pending hashes only, each a bounded number of times
        assertThat(node.calls("eth_getTransactionReceipt"))
                .isLessThanOrEqualTo((FLOODERS * PENDING_PER_CLIENT + 1) * ASKS_PER_UNKNOWN_HASH);
    }

    /** Made-up hashes from the flooding clients in turn, until told to stop; what each answer was, counted. */
    private final class Flood {
        final SecureRandom random = new SecureRandom();
        final Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        final AtomicInteger sent = new AtomicInteger();
        volatile boolean stop;

        void run() {
            for (int i = 0; !stop && !Thread.currentThread().isInterrupted(); i++) {
                byte[] hash = new byte[32];
                random.nextBytes(hash);
                HttpResponse<String> response = post(
                        "/nuts/fills",
                        "{\"txHash\":\"0x" + HexFormat.of().formatHex(hash) + "\"}",
                        "Accept",
                        "application/json",
                        "X-Forwarded-For",
                        "203.0.113." + (1 + i % FLOODERS));
                String outcome =
                        switch (response.statusCode()) {
                            case 200 -> "accepted";
                            case 429 -> errorCode(response);
                            default -> {
                                unexpected.add(response.statusCode() + " " + response.body());
                                yield "unexpected";
                            }
                        };
                outcomes.merge(outcome, 1, Integer::sum);
                sent.incrementAndGet();
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // a steady flood, not a busy loop
            }
        }
    }
}
