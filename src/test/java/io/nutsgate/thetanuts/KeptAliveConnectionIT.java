package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.support.TestProperties;
import io.nutsgate.support.TestRetries;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host that keeps connections alive and then drops them the way Node's and nginx's keep-alive timeouts do: it
 * answers the first request of a connection with {@code Connection: keep-alive} and closes the socket, unanswered,
 * when the next request arrives on it (the race a request on an idle connection loses). The indexer's
 * {@code POST /update} failed 2 times in 8 this way in the sandbox. The oracle is the server's own count of requests
 * read and answered.
 */
class KeptAliveConnectionIT {

    private ServerSocket server;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final UpstreamClient client = new UpstreamClient(
            TestProperties.with(Map.of()), meters, ObservationRegistry.NOOP, TestRetries.inCallersThread(meters));

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        connections.submit(() -> {
            while (!server.isClosed()) {
                Socket socket = server.accept();
                connections.submit(() -> serveOneThenDrop(socket));
            }
            return null;
        });
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        connections.shutdownNow();
    }

    private Void serveOneThenDrop(Socket socket) throws IOException {
        try (socket) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            readRequest(in);
            byte[] body = "{\"status\":\"success\"}".getBytes(StandardCharsets.US_ASCII);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
                            + "Keep-Alive: timeout=5\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            answered.incrementAndGet();
            if (readRequest(in)) {
                dropped.incrementAndGet(); // the keep-alive timer fired: close without a byte of answer
            }
        }
        return null;
    }

    /** Reads one request head (our requests have no body); false when the client closed first. */
    private static boolean readRequest(BufferedReader in) throws IOException {
        String line = in.readLine();
        if (line == null) return false;
        while (line != null && !line.isEmpty()) {
            line = in.readLine();
        }
        return true;
    }

    @Test
    void shouldSendAPostAgainOnAFreshConnectionWhenTheHostDroppedTheKeptAliveOne() {
        URI update = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/book/update");

        for (int i = 0; i < 8; i++) {
            assertThat(new String(client.post("update", update), StandardCharsets.UTF_8))
                    .isEqualTo("{\"status\":\"success\"}");
        }

        assertThat(answered).hasValue(8);
        assertThat(dropped.get())
                .as("requests sent on a dropped kept-alive connection")
                .isPositive();
    }

    @Test
    void shouldSendAGetAgainOnAFreshConnectionWhenTheHostDroppedTheKeptAliveOne() {
        URI stats = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/book/stats");

        for (int i = 0; i < 8; i++) {
            assertThat(client.get("stats", stats)).isNotEmpty();
        }

        assertThat(answered).hasValue(8);
    }
}
