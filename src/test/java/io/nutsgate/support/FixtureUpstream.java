package io.nutsgate.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the Thetanuts hosts, over real HTTP on loopback: the orders feed at {@code /feed/},
 * the book indexer at {@code /book/…}. Serves the recorded fixtures (new or legacy host shapes) and, per
 * path, each fault the gateway must survive. Counts requests per path.
 */
public final class FixtureUpstream implements AutoCloseable {

    public enum Fault {
        NONE,
        HTTP_500,
        HTML,
        TRUNCATED,
        SLOW,
        RESET
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private volatile boolean legacy;
    private volatile Duration delay = Duration.ZERO;
    private volatile Duration slowDelay = Duration.ofSeconds(3);

    public FixtureUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String ordersUrl() {
        return base() + "/feed/";
    }

    public String indexerUrl() {
        return base() + "/book";
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Older hosts: bare arrays for positions and history. */
    public FixtureUpstream legacy(boolean legacy) {
        this.legacy = legacy;
        return this;
    }

    /** Every answer waits this long first (e.g. 200 ms for the single-flight benchmark). */
    public FixtureUpstream delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** How long a {@link Fault#SLOW} answer waits; make it longer than the gateway's timeout. */
    public FixtureUpstream slowDelay(Duration slowDelay) {
        this.slowDelay = slowDelay;
        return this;
    }

    /** Applies {@code fault} to every path starting with {@code pathPrefix}. */
    public FixtureUpstream fault(String pathPrefix, Fault fault) {
        faults.put(pathPrefix, fault);
        return this;
    }

    /** Answers {@code body} for exactly {@code path} instead of the fixture. */
    public FixtureUpstream body(String path, String body) {
        bodies.put(path, body);
        return this;
    }

    public int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /**
     * A random wallet address nobody has seen (lower case), so that tests sharing a database, a Redis or a cache never
     * meet each other's wallets; the one generator of test wallets.
     */
    public static String newWallet() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    /** {@code n} {@link #newWallet()}s. */
    public static List<String> newWallets(int n) {
        List<String> wallets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            wallets.add(newWallet());
        }
        return wallets;
    }

    /** {@code n} random wallets nobody has seen, each with no open positions and no history. */
    public List<String> newEmptyWallets(int n) {
        List<String> wallets = newWallets(n);
        for (String wallet : wallets) {
            body("/book/user/" + wallet + "/positions", "{\"data\":[]}");
            body("/book/user/" + wallet + "/history", "{\"data\":[]}");
        }
        return wallets;
    }

    /** The indexer calls made for {@code wallets}: their positions and history, all together. */
    public int walletCalls(List<String> wallets) {
        int calls = 0;
        for (String wallet : wallets) {
            calls += hits("/book/user/" + wallet + "/positions") + hits("/book/user/" + wallet + "/history");
        }
        return calls;
    }

    public void reset() {
        hits.clear();
        faults.clear();
        bodies.clear();
        legacy = false;
        delay = Duration.ZERO;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            sleep(delay);
            Fault fault = faults.entrySet().stream()
                    .filter(e -> path.startsWith(e.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(Fault.NONE);
            switch (fault) {
                case HTTP_500 -> send(exchange, 500, "application/json", "{\"error\":\"internal\"}");
                case HTML -> send(exchange, 200, "text/html", "<html><body>Bad gateway</body></html>");
                case TRUNCATED ->
                    send(
                            exchange,
                            200,
                            "application/json",
                            body(path).substring(0, body(path).length() / 2));
                case SLOW -> {
                    sleep(slowDelay);
                    send(exchange, 200, "application/json", body(path));
                }
                case RESET -> {} // close the connection without an answer
                case NONE -> {
                    String body = body(path);
                    if (body == null) {
                        send(exchange, 404, "application/json", "{\"error\":\"not found\"}");
                    } else {
                        send(exchange, 200, "application/json", body);
                    }
                }
            }
        }
    }

    private String body(String path) {
        if (bodies.containsKey(path)) {
            return bodies.get(path);
        }
        if (path.equals("/feed/") || path.equals("/feed")) {
            return fixture("orders.json");
        }
        if (path.matches("/book/user/0x[0-9a-f]{40}/positions")) {
            return fixture(legacy ? "positions.legacy.json" : "positions.json");
        }
        if (path.matches("/book/user/0x[0-9a-f]{40}/history")) {
            return fixture(legacy ? "history.legacy.json" : "history.json");
        }
        if (path.equals("/book/stats")) {
            return fixture("stats.json");
        }
        if (path.equals("/book/stats/protocol")) {
            return fixture("stats.protocol.json");
        }
        if (path.equals("/book/update")) {
            return "{\"status\":\"success\"}";
        }
        if (path.matches("/book/referrer/0x[0-9a-f]{40}/state")) {
            return "{\"referrer\":\"" + path.split("/")[3] + "\",\"positions\":{},\"lastUpdateTimestamp\":1780480784}";
        }
        return null;
    }

    public static String fixture(String name) {
        try (InputStream in = FixtureUpstream.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sleep(Duration d) {
        if (d.isZero()) return;
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
