package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.support.TestProperties;
import io.nutsgate.support.TestRetries;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream answering a gigabyte (announced, or streamed without a length): the client stops reading at the
 * cap and answers UPSTREAM_BAD_RESPONSE. The oracle is the server's own count of the bytes it got out before
 * the client hung up, not anything the client reports.
 */
class UpstreamClientIT {

    private static final long GIGABYTE = 1L << 30;

    private HttpServer server;
    private final AtomicLong sent = new AtomicLong();
    private final CountDownLatch served = new CountDownLatch(1);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final UpstreamClient client = new UpstreamClient(
            TestProperties.with(Map.of("upstream.timeout", "60s")),
            meters,
            ObservationRegistry.NOOP,
            TestRetries.inCallersThread(meters));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/streamed", exchange -> serve(exchange, 0));
        server.createContext("/announced", exchange -> serve(exchange, GIGABYTE));
        server.createContext("/small", exchange -> {
            byte[] body = "{\"ok\":true}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** Writes up to a gigabyte of JSON-ish filler, counting what the client accepted. */
    private void serve(com.sun.net.httpserver.HttpExchange exchange, long announcedLength) throws IOException {
        exchange.sendResponseHeaders(200, announcedLength);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) ' ');
        try (OutputStream out = exchange.getResponseBody()) {
            for (long written = 0; written < GIGABYTE; written += chunk.length) {
                out.write(chunk);
                sent.addAndGet(chunk.length);
            }
        } catch (IOException clientHungUp) {
            // expected: the client stops reading
        } finally {
            served.countDown();
        }
    }

    @Test
    void shouldStopReadingAStreamedBodyAtTheCap() throws InterruptedException {
        assertThatThrownBy(() -> client.get("big", uri("/streamed")))
                .isInstanceOfSatisfying(
                        UpstreamException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE));

        // Once the server is done (the client hung up, or it sent everything): the cap plus what sat in socket
        // buffers when the client hung up, far from the gigabyte offered.
        assertThat(awaitServed()).isTrue();
        assertThat(sent.get()).isLessThan(UpstreamClient.MAX_BODY_BYTES + 32L * 1024 * 1024);
    }

    @Test
    void shouldRefuseABodyAnnouncedOverTheCapWithoutReadingIt() throws InterruptedException {
        assertThatThrownBy(() -> client.get("big", uri("/announced")))
                .isInstanceOfSatisfying(
                        UpstreamException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE));

        assertThat(awaitServed()).isTrue();
        assertThat(sent.get()).isLessThan(32L * 1024 * 1024);
    }

    private boolean awaitServed() throws InterruptedException {
        return served.await(2, TimeUnit.MINUTES);
    }

    @Test
    void shouldReadABodyUnderTheCap() {
        assertThat(new String(client.get("small", uri("/small")))).isEqualTo("{\"ok\":true}");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }
}
