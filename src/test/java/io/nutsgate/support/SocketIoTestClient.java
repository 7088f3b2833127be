package io.nutsgate.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The official JavaScript {@code socket.io-client} (v4, from {@code src/test/socketio}, installed by the build) in a
 * Node process, driven line by line: commands on its stdin, what it saw as JSON lines on its stdout. Closing it
 * stops the process.
 */
public final class SocketIoTestClient implements AutoCloseable {

    public static final Path DIR = Path.of("src/test/socketio");
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final AtomicInteger refs = new AtomicInteger();

    private final Process process;
    private final Writer stdin;
    private final List<JsonNode> seen = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private SocketIoTestClient(List<String> command, String forwardedFor) {
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).directory(DIR.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
            if (forwardedFor != null) {
                builder.environment().put("FORWARDED_FOR", forwardedFor);
            }
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node (is Node.js installed?)", e);
        }
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    seen.add(json.readTree(line));
                }
            } catch (IOException | RuntimeException ignored) {
                // process ended
            }
        });
    }

    /** Connects with the client's default transports (long-polling, then the WebSocket upgrade). */
    public static SocketIoTestClient connect(String baseUrl) {
        return start(baseUrl, "default", null);
    }

    /** Connects with {@code transports: ['websocket']}. */
    public static SocketIoTestClient connectWebSocket(String baseUrl) {
        return start(baseUrl, "websocket", null);
    }

    /** Connects with {@code transports: ['polling']}: long-polling only, never upgraded. */
    public static SocketIoTestClient connectPolling(String baseUrl) {
        return start(baseUrl, "polling", null);
    }

    /** Connects over WebSocket with {@code auth: {token}}. */
    public static SocketIoTestClient connectWithToken(String baseUrl, String token) {
        return start(baseUrl, "websocket", token);
    }

    /**
     * Connects over WebSocket sending {@code X-Forwarded-For: forwardedFor} (the client a trusted proxy would name) on
     * every request.
     */
    public static SocketIoTestClient connectForwardedFor(String baseUrl, String forwardedFor) {
        return start(baseUrl, "websocket", null, forwardedFor);
    }

    private static SocketIoTestClient start(String baseUrl, String transport, String token) {
        return start(baseUrl, transport, token, null);
    }

    private static SocketIoTestClient start(String baseUrl, String transport, String token, String forwardedFor) {
        if (!Files.isDirectory(DIR.resolve("node_modules/socket.io-client"))) {
            throw new IllegalStateException("run the build once: it installs socket.io-client into " + DIR);
        }
        List<String> command = new ArrayList<>(List.of("node", "client.js", baseUrl, transport));
        if (token != null) {
            command.add(token);
        }
        return new SocketIoTestClient(command, forwardedFor);
    }

    /** Emits without asking for an ack. */
    public void emit(String event, Object... args) {
        ObjectNode command = json.createObjectNode().put("emit", event);
        command.set("args", json.valueToTree(args));
        send(command);
    }

    /** Emits asking for an ack and returns the ack's first argument. */
    public JsonNode emitWithAck(String event, Object... args) {
        ObjectNode command = json.createObjectNode().put("emit", event);
        command.set("args", json.valueToTree(args));
        return ack(command);
    }

    /** Emits one string of {@code length} characters, asking for an ack. */
    public JsonNode emitBigStringWithAck(String event, int length) {
        return ack(json.createObjectNode().put("emit", event).put("bigString", length));
    }

    private JsonNode ack(ObjectNode command) {
        String ref = "a" + refs.incrementAndGet();
        command.put("ack", ref);
        send(command);
        JsonNode reply = await(
                line -> ref.equals(line.path("ref").asString(null)),
                Duration.ofSeconds(15),
                "the ack of " + command.path("emit").asString());
        if (reply.path("type").asString().equals("ackTimeout")) {
            throw new AssertionError("no ack for " + command.path("emit").asString() + " within 10 s");
        }
        return reply.path("args").path(0);
    }

    /** Waits for the connection and returns its transport. */
    public String awaitConnected() {
        JsonNode line = await(
                l -> l.path("type").asString().equals("connect")
                        || l.path("type").asString().equals("connect_error"),
                Duration.ofSeconds(15),
                "connect");
        if (!line.path("type").asString().equals("connect")) {
            throw new AssertionError("connect failed: " + line);
        }
        return line.path("transport").asString();
    }

    /** Waits for the {@code n}th (1-based) event named {@code event} and returns its first argument. */
    public JsonNode awaitEvent(String event, Duration timeout) {
        return await(l -> isEvent(l, event), timeout, "event " + event)
                .path("args")
                .path(0);
    }

    /** Waits until {@code count} events named {@code event} arrived; returns their first arguments. */
    public List<JsonNode> awaitEvents(String event, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events(event).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " " + event + " events, got " + events(event));
            }
            sleep(20);
        }
        return events(event);
    }

    public List<JsonNode> events(String event) {
        return seen.stream()
                .filter(l -> isEvent(l, event))
                .map(l -> l.path("args").path(0))
                .toList();
    }

    /** Everything the client printed so far. */
    public List<JsonNode> seen() {
        return List.copyOf(seen);
    }

    public boolean sawType(String type) {
        return seen.stream().anyMatch(l -> l.path("type").asString().equals(type));
    }

    public JsonNode await(Predicate<JsonNode> wanted, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (JsonNode line : seen) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + "; saw " + seen);
            }
            if (!process.isAlive() && seen.stream().noneMatch(wanted)) {
                sleep(100);
                if (seen.stream().noneMatch(wanted)) {
                    throw new AssertionError("the client exited before " + what + "; saw " + seen);
                }
            }
            sleep(20);
        }
    }

    private static boolean isEvent(JsonNode line, String event) {
        return line.path("type").asString().equals("event")
                && line.path("event").asString().equals(event);
    }

    private synchronized void send(JsonNode command) {
        try {
            stdin.write(json.writeValueAsString(command));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client process is gone; saw " + seen, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            send(json.createObjectNode().put("close", true));
        } catch (RuntimeException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        reader.interrupt();
    }
}
