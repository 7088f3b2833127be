package io.nutsgate.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON-RPC node of our own over loopback HTTP (JDK {@code HttpServer}) in front of a real one (the devnet): it
 * passes every request through, counts calls per method, and on demand turns hostile the way real nodes and providers
 * can: accepts and never answers, answers junk ({@code 0xzz}), one byte ({@code 0x01}) or nothing ({@code 0x}) to
 * {@code eth_call}, adds a log it cannot be read ({@code logIndex} "0xzz", a block that does not exist) to
 * {@code eth_getLogs}, says it serves another chain (as a new node: every connection dropped, and closed after each
 * answer, so each call reconnects), or runs a
 * hook (e.g. {@code anvil_reorg}) between answering an {@code eth_getLogs} with logs and the next request.
 */
public final class HostileRpcNode implements AutoCloseable {

    /** How the node misbehaves; {@link #NONE} passes everything through. */
    public enum Fault {
        NONE,
        /** Reads the request and never answers (until {@link #fault} changes or the node closes). */
        HANG,
        /** {@code eth_call} results are "0xzz", block numbers and headers unreadable. */
        JUNK,
        /** {@code eth_call} results are "0x01". */
        ONE_BYTE,
        /** {@code eth_call} results are "0x" (an address without code). */
        EMPTY,
        /** Every {@code eth_getLogs} answer gets two logs that cannot be read. */
        POISON_LOG,
        /** {@code eth_chainId} answers 1 (Ethereum) and every connection is closed after its answer. */
        OTHER_CHAIN
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int port;
    private volatile HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI upstream;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicReference<LongConsumer> afterLogs = new AtomicReference<>();
    private volatile Fault fault = Fault.NONE;
    private volatile CountDownLatch release = new CountDownLatch(1);

    private HostileRpcNode(String upstreamUrl) throws IOException {
        this.upstream = URI.create(upstreamUrl);
        this.server = listen(0);
        this.port = server.getAddress().getPort();
    }

    private HttpServer listen(int onPort) throws IOException {
        HttpServer listening = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 200);
        listening.setExecutor(executor);
        listening.createContext("/", this::handle);
        listening.start();
        return listening;
    }

    /** A node passing everything to {@code upstreamUrl} until told otherwise. */
    public static HostileRpcNode inFrontOf(String upstreamUrl) {
        try {
            return new HostileRpcNode(upstreamUrl);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A node in front of {@code devnet}, and the service under test pointed at the devnet as
     * {@link Devnet#serveFromChain} does but reading the chain through this node.
     */
    public static HostileRpcNode serving(Devnet devnet, DynamicPropertyRegistry registry) {
        HostileRpcNode node = inFrontOf(devnet.rpcUrl());
        devnet.serveFromChain(registry);
        registry.add("nuts.chain.rpc-url", node::url);
        return node;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Switches the fault; requests held by {@link Fault#HANG} are let go (answered normally). Entering or leaving
     * {@link Fault#OTHER_CHAIN} drops every connection, as another node behind the same URL would.
     */
    public void fault(Fault fault) {
        boolean otherNode = (fault == Fault.OTHER_CHAIN) != (this.fault == Fault.OTHER_CHAIN);
        this.fault = fault;
        CountDownLatch held = release;
        release = new CountDownLatch(1);
        held.countDown();
        if (otherNode) {
            server.stop(0);
            try {
                server = listen(port);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Calls of {@code method} received so far (batch elements counted one by one). */
    public int calls(String method) {
        AtomicInteger count = calls.get(method);
        return count == null ? 0 : count.get();
    }

    /**
     * Runs {@code hook} once, with the lowest block number of the logs, after the next {@code eth_getLogs} answered
     * with logs and before that answer is sent.
     */
    public void onceAfterLogs(LongConsumer hook) {
        afterLogs.set(hook);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode request = JSON.readTree(body);
            Map<String, String> methods = new HashMap<>();
            for (JsonNode call :
                    request.isArray() ? request : JSON.createArrayNode().add(request)) {
                String method = call.path("method").asString();
                methods.put(call.path("id").toString(), method);
                calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            }
            Fault now = fault;
            if (now == Fault.HANG) {
                CountDownLatch held = release;
                try {
                    held.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                now = fault;
            }
            JsonNode answer = JSON.readTree(forward(body));
            long firstLogBlock = Long.MAX_VALUE;
            for (JsonNode one :
                    answer.isArray() ? answer : JSON.createArrayNode().add(answer)) {
                if (one instanceof ObjectNode response) {
                    String method = methods.get(response.path("id").toString());
                    if ("eth_getLogs".equals(method)) {
                        for (JsonNode log : response.path("result")) {
                            firstLogBlock = Math.min(
                                    firstLogBlock,
                                    Long.decode(log.path("blockNumber").asString()));
                        }
                    }
                    spoil(now, method, response);
                }
            }
            if (firstLogBlock != Long.MAX_VALUE) {
                LongConsumer hook = afterLogs.getAndSet(null);
                if (hook != null) {
                    hook.accept(firstLogBlock);
                }
            }
            byte[] out = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (now == Fault.OTHER_CHAIN) {
                exchange.getResponseHeaders().add("Connection", "close");
            }
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
        } catch (RuntimeException e) {
            byte[] out = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"stand-in: "
                            + e.getClass().getSimpleName() + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
        }
    }

    private static void spoil(Fault fault, String method, ObjectNode response) {
        if (method == null || response.has("error")) {
            return;
        }
        switch (fault) {
            case JUNK -> {
                switch (method) {
                    case "eth_call", "eth_blockNumber" -> response.put("result", "0xzz");
                    case "eth_getBlockByNumber" -> {
                        if (response.get("result") instanceof ObjectNode block) {
                            block.put("number", "0xzz").put("hash", "0x1");
                        }
                    }
                    case "eth_getTransactionReceipt" -> {
                        if (response.get("result") instanceof ObjectNode receipt) {
                            receipt.put("blockNumber", "0xzz");
                        }
                    }
                    default -> {}
                }
            }
            case ONE_BYTE -> {
                if (method.equals("eth_call")) {
                    response.put("result", "0x01");
                }
            }
            case EMPTY -> {
                if (method.equals("eth_call")) {
                    response.put("result", "0x");
                }
            }
            case POISON_LOG -> {
                if (method.equals("eth_getLogs") && response.get("result") instanceof ArrayNode logs) {
                    logs.add(poison("0xzz", "0x1"));
                    logs.add(poison("0x0", "0xffffffffff"));
                }
            }
            case OTHER_CHAIN -> {
                if (method.equals("eth_chainId")) {
                    response.put("result", "0x1");
                }
            }
            default -> {}
        }
    }

    /** An OrderFilled-shaped log with an unreadable index, or of a block that does not exist. */
    private static ObjectNode poison(String logIndex, String blockNumber) {
        ObjectNode log = JSON.createObjectNode()
                .put("address", "0x0000000000000000000000000000000000000bad")
                .put("blockHash", "0x" + "ab".repeat(32))
                .put("blockNumber", blockNumber)
                .put("data", "0x" + "00".repeat(6 * 32))
                .put("logIndex", logIndex)
                .put("removed", false)
                .put("transactionHash", "0x" + "cd".repeat(32))
                .put("transactionIndex", "0x0");
        log.putArray("topics")
                .add("0x0fee4799857c39adce81e92cca3ceec36011917cd675b91dad36d2be13e1fd2d")
                .add("0x" + "00".repeat(32))
                .add("0x" + "00".repeat(32))
                .add("0x" + "00".repeat(32));
        return log;
    }

    private byte[] forward(byte[] body) {
        try {
            return client.send(
                            HttpRequest.newBuilder(upstream)
                                    .header("Content-Type", "application/json")
                                    .timeout(Duration.ofSeconds(30))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                    .body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        fault(Fault.NONE);
        server.stop(0);
        executor.shutdownNow();
    }
}
