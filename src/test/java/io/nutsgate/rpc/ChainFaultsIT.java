package io.nutsgate.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.indexer.ChainIndexer;
import io.nutsgate.indexer.ChainIndexerIT;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.HostileRpcNode;
import io.nutsgate.support.HostileRpcNode.Fault;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.SignedQuote;
import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The service against a hostile JSON-RPC node of our own ({@link HostileRpcNode}) in front of the devnet, with a feed
 * quote that has no {@code nonce}: whatever the node does (never answers, junk, {@code 0x01}, {@code 0x}, another chain
 * id) {@code GET /nuts/orders} answers 200 within a client timeout shorter than the node's RPC timeout (so it never
 * waits on the node) with the last capacity read and when it was read, and fill plans answer 200 with the simulation
 * skipped; a poison log is skipped and counted while the indexer goes on; a reorg landing between a window's
 * {@code eth_getLogs} and its header read makes the indexer read the window again and keep nothing of the replaced
 * block; while the node says it serves another chain nothing is recorded from it; a node answering junk has each
 * failed call retried and opens the {@code rpc} breaker, which closes again once the node answers.
 */
class ChainFaultsIT extends ServiceTest {

    static final BigInteger BUDGET = BigInteger.valueOf(10_000_000_000L); // 10,000 USDC
    /** The node's RPC timeout: an orders request waiting on the node would take at least this long. */
    static final Duration RPC_TIMEOUT = Duration.ofSeconds(10);
    /** Half the RPC timeout: an orders request must answer within it, whatever the node does. */
    static final Duration ORDERS_TIMEOUT = Duration.ofSeconds(5);
    /** One RPC timeout and a margin: a fill plan waits for one call at most. */
    static final Duration PLAN_TIMEOUT = RPC_TIMEOUT.plusSeconds(10);

    static Devnet devnet;
    static HostileRpcNode node;

    @Autowired
    ChainIndexer indexer;

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        devnet = Devnet.start(REFERRER);
        node = HostileRpcNode.serving(devnet, registry);
        registry.add("nuts.chain.rpc-timeout", () -> RPC_TIMEOUT.toSeconds() + "s");
        registry.add("nuts.chain.capacity-refresh", () -> "0s");
        registry.add("nuts.chain.poll-interval", () -> "200ms");
        registry.add("nuts.chain.confirmations", () -> "1");
        registry.add("nuts.chain.breaker.open-for", () -> "1s");
    }

    @AfterEach
    void calm() {
        node.fault(Fault.NONE);
        upstream.reset();
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
    void shouldServeOrdersAndFillPlansWithTheLastCapacityWhateverTheNodeAnswers() {
        SignedQuote quote = SignedQuote.referenceSpread(devnet, BUDGET);
        String id = quote.id();
        // no nonce: computed as the book does
        devnet.serveFeed(upstream, quote.order(), quote.signature(), false);
        clock.set(Instant.ofEpochSecond(devnet.latestBlockTimestamp()));
        // amountFilled of the computed nonce read from the chain (0: the budget is whole)
        JsonNode[] read = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            read[0] = listed(id).path("capacity");
            assertThat(read[0].path("source").asString()).isEqualTo("chain");
        });
        assertThat(read[0].path("remainingCollateral").path("raw").asString()).isEqualTo(BUDGET.toString());
        assertThat(listed(id).path("nonce").asString())
                .isEqualTo(devnet.computeNonce(quote.order()).toString());
        assertThat(read[0].path("readAt").isIntegralNumber()).isTrue();
        long[] readAt = {0};
        Account taker = devnet.takers().get(1);

        for (Fault fault : List.of(Fault.JUNK, Fault.ONE_BYTE, Fault.EMPTY, Fault.OTHER_CHAIN, Fault.HANG)) {
            clock.advance(Duration.ofSeconds(1)); // a value read from now on would have a later readAt
            node.fault(fault);
            int callsBefore = node.calls("eth_call");
            // orders requests start background reads of amountFilled until the hostile node has been asked (so a
            // read started before the fault has ended); then every answer keeps the last value read before the
            // faults, with when it was read: nothing is read from this node
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(listed(id).path("capacity").path("source").asString())
                        .isEqualTo("chain");
                assertThat(node.calls("eth_call")).as(fault.name()).isGreaterThan(callsBefore);
            });
            if (readAt[0] == 0) {
                readAt[0] = listed(id).path("capacity").path("readAt").asLong();
            }
            for (int i = 0; i < 5; i++) {
                JsonNode capacity = listed(id).path("capacity");
                assertThat(capacity.path("source").asString()).as(fault.name()).isEqualTo("chain");
                assertThat(capacity.path("readAt").asLong()).as(fault.name()).isEqualTo(readAt[0]);
                assertThat(capacity.path("remainingCollateral").path("raw").asString())
                        .isEqualTo(BUDGET.toString());
            }
            for (int i = 0; i < (fault == Fault.HANG ? 2 : 4); i++) {
                HttpResponse<String> plan = send(HttpRequest.newBuilder(uri("/nuts/orders/" + id + "/fill-plan"))
                        .timeout(PLAN_TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"numContracts\":\"1\",\"taker\":\""
                                + taker.address().toLowerCase(Locale.ROOT) + "\"}"))
                        .build());
                assertThat(plan.statusCode()).as(fault + ": " + plan.body()).isEqualTo(200);
                JsonNode simulation = body(plan).path("data").path("simulation");
                assertThat(simulation.path("skipped").asBoolean())
                        .as(fault.name())
                        .isTrue();
                assertThat(simulation.path("skippedReason").asString())
                        .as(fault.name())
                        .contains("RPC");
            }
        }
    }

    @Test
    void shouldSkipAndCountALogItCannotReadAndGoOnIndexing() {
        long skippedBefore = indexer.status().skippedLogs();
        node.fault(Fault.POISON_LOG);
        Account taker = devnet.takers().get(0);
        String tx = ChainIndexerIT.fill(devnet, taker, REFERRER)
                .getTransactionHash()
                .toLowerCase(Locale.ROOT);

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(trades(taker.address())).contains(tx));
        assertThat(indexer.status().skippedLogs()).isGreaterThanOrEqualTo(skippedBefore + 2);
        long head = devnet.head();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(indexer.status().indexedBlock()).isGreaterThanOrEqualTo(head));
        assertThat(get("/actuator/prometheus", OPERATOR).body()).contains("nuts_indexer_logs_skipped_total");
    }

    @Test
    void shouldReadAWindowAgainWhenAReorgLandsBetweenItsLogsAndItsHeadersAndKeepNothingOfTheReplacedBlock() {
        // every earlier log read, so the next eth_getLogs with logs is the one of this fill's block
        long caughtUp = devnet.head();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(indexer.status().indexedBlock()).isGreaterThanOrEqualTo(caughtUp));
        AtomicLong replaced = new AtomicLong();
        node.onceAfterLogs(firstBlock -> {
            replaced.set(firstBlock);
            devnet.reorg(devnet.head() - firstBlock + 1);
        });
        Account taker = devnet.takers().get(1);
        List<String> before = trades(taker.address());
        // The reorg may take the fill's own block before its receipt is read: the fill is sent beside the test,
        // which does not need its receipt (the fill is gone from the chain either way).
        java.util.concurrent.CompletableFuture<?> fill =
                java.util.concurrent.CompletableFuture.runAsync(() -> ChainIndexerIT.fill(devnet, taker, REFERRER));
        await().atMost(Duration.ofSeconds(60)).until(() -> replaced.get() > 0);
        devnet.mine(2);
        long head = devnet.head();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(indexer.status().indexedBlock()).isGreaterThanOrEqualTo(head));
        assertThat(trades(taker.address())).isEqualTo(before);
        fill.cancel(true);
        assertThat(get("/actuator/prometheus", OPERATOR).body())
                .containsPattern("nuts_indexer_reorgs_mid_read_total [1-9]");
    }

    @Test
    void shouldRecordNothingFromANodeThatServesAnotherChainAndResumeWhenItIsBack() {
        node.fault(Fault.OTHER_CHAIN);
        Account taker = devnet.takers().get(0);
        String tx = ChainIndexerIT.fill(devnet, taker, REFERRER)
                .getTransactionHash()
                .toLowerCase(Locale.ROOT);
        HttpResponse<String> submitted = post("/nuts/fills", "{\"txHash\":\"" + tx + "\"}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
        // the service keeps asking the node (its chain id among the rest) and uses none of its answers
        int checks = node.calls("eth_chainId");
        await().atMost(Duration.ofSeconds(60)).until(() -> node.calls("eth_chainId") >= checks + 10);
        assertThat(body(get("/nuts/fills/" + tx)).path("data").path("state").asString())
                .isEqualTo("pending");
        assertThat(trades(taker.address())).doesNotContain(tx);

        node.fault(Fault.NONE);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(trades(taker.address())).contains(tx));
    }

    /**
     * Every JSON-RPC call goes through the {@code rpc} retry and breaker: with the node answering junk (a fast failure,
     * worth trying again) a failed call is tried again before it fails ({@code resilience4j_retry_calls_total} of
     * {@code rpc}, kind {@code failed_with_retry}, grows) and the breaker opens
     * ({@code resilience4j_circuitbreaker_state{name="rpc",state="open"}} is 1), while {@code GET /nuts/orders} answers
     * 200 all along; once the node answers again, the trial call after {@code open-for} closes the breaker.
     */
    @Test
    void shouldRetryFailedCallsAndOpenTheRpcBreakerWhileOrdersAnswer() {
        await().atMost(Duration.ofSeconds(60)).until(() -> rpcBreakerIs("closed"));
        // The feed is read and cached first: a cold read of it on a loaded machine may outlast the tests' 1 s upstream
        // timeout (504), which says nothing about the node.
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/nuts/orders").statusCode() == 200);
        double failedWithRetry = metric("resilience4j_retry_calls_total", "name=\"rpc\"", "kind=\"failed_with_retry\"");
        List<Integer> ordersStatuses = new java.util.concurrent.CopyOnWriteArrayList<>();

        node.fault(Fault.JUNK);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    ordersStatuses.add(send(HttpRequest.newBuilder(uri("/nuts/orders"))
                                    .timeout(ORDERS_TIMEOUT)
                                    .GET()
                                    .build())
                            .statusCode());
                    return rpcBreakerIs("open");
                });

        assertThat(ordersStatuses).isNotEmpty().containsOnly(200);
        assertThat(metric("resilience4j_retry_calls_total", "name=\"rpc\"", "kind=\"failed_with_retry\""))
                .isGreaterThan(failedWithRetry);
        node.fault(Fault.NONE);
        await().atMost(Duration.ofSeconds(60)).until(() -> rpcBreakerIs("closed"));
    }

    private boolean rpcBreakerIs(String state) {
        return metric("resilience4j_circuitbreaker_state", "name=\"rpc\"", "state=\"" + state + "\"") == 1.0;
    }

    /** The value of the one series of {@code name} with {@code labels} on /actuator/prometheus (0 when absent). */
    private double metric(String name, String... labels) {
        return get("/actuator/prometheus", OPERATOR)
                .body()
                .lines()
                .filter(line ->
                        line.startsWith(name + "{") && List.of(labels).stream().allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    private JsonNode listed(String id) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/nuts/orders"))
                .timeout(ORDERS_TIMEOUT)
                .GET()
                .build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode o : body(response).path("data").path("orders")) {
            if (o.path("id").asString().equalsIgnoreCase(id)) {
                return o;
            }
        }
        throw new AssertionError("order " + id + " not listed: " + response.body());
    }

    private List<String> trades(String wallet) {
        JsonNode data = body(get("/nuts/users/" + wallet + "/trades?limit=100")).path("data");
        JsonNode list = data.has("trades") ? data.path("trades") : data.path("items");
        List<String> out = new java.util.ArrayList<>();
        list.forEach(t -> out.add(t.path("entryTxHash").asString()));
        return out;
    }
}
