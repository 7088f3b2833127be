package io.nutsgate.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.UniqueContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON-RPC stand-in in front of the devnet answers Infura's -32005 to {@code eth_getLogs} over more than
 * {@value #LIMIT} blocks: the indexer splits its windows and still reads every fill.
 */
@UniqueContext
class RangeLimitIT extends ServiceTest {

    static final int LIMIT = 4;
    static Devnet devnet;
    static HttpServer proxy;
    static final AtomicInteger refused = new AtomicInteger();

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) throws IOException {
        devnet = Devnet.start(REFERRER);
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpClient client = HttpClient.newHttpClient();
        proxy.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = refuseWideRanges(body);
            if (answer == null) {
                try {
                    answer = client.send(
                                    HttpRequest.newBuilder(URI.create(devnet.rpcUrl()))
                                            .header("Content-Type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray())
                            .body();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    answer = new byte[0];
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        proxy.start();
        registry.add("nuts.deployment-file", () -> devnet.deploymentFile().toString());
        registry.add(
                "nuts.chain.rpc-url",
                () -> "http://127.0.0.1:" + proxy.getAddress().getPort());
        registry.add("nuts.chain.max-block-range", () -> "1000");
        registry.add("nuts.chain.poll-interval", () -> "200ms");
        registry.add("nuts.trades.scheduled-sync", () -> "false");
    }

    static byte[] refuseWideRanges(byte[] body) {
        JsonNode request = json.readTree(body);
        if (!request.isObject() || !"eth_getLogs".equals(request.path("method").asString())) {
            return null;
        }
        JsonNode filter = request.path("params").get(0);
        long from = Long.decode(filter.path("fromBlock").asString());
        long to = Long.decode(filter.path("toBlock").asString());
        if (to - from + 1 <= LIMIT) {
            return null;
        }
        refused.incrementAndGet();
        ObjectNode error = json.createObjectNode();
        error.put("jsonrpc", "2.0");
        error.set("id", request.path("id"));
        error.putObject("error").put("code", -32005).put("message", "query returned more than 10000 results");
        return json.writeValueAsString(error).getBytes(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.stop(0);
        }
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    void shouldSplitWindowsTheProviderRefusesAndStillReadEveryFill() {
        var taker = devnet.takers().get(0);
        String tx = ChainIndexerIT.fill(devnet, taker, REFERRER)
                .getTransactionHash()
                .toLowerCase(Locale.ROOT);

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode trades = body(get("/nuts/users/" + taker.address() + "/trades"))
                    .path("data")
                    .path("trades");
            assertThat(trades.findValuesAsString("entryTxHash")).contains(tx);
        });
        assertThat(refused.get()).isPositive();
        assertThat(body(get("/nuts/indexer")).path("data").path("lastError").isNull())
                .isTrue();
    }
}
