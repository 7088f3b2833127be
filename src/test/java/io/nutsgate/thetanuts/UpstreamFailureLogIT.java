package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.TestProperties;
import io.nutsgate.support.TestRetries;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Real calls over loopback: each failure is one log line naming the host and the cause, once per minute. */
@ExtendWith(OutputCaptureExtension.class)
class UpstreamFailureLogIT {

    private static final FixtureUpstream upstream = new FixtureUpstream()
            .fault("/book/stats", FixtureUpstream.Fault.HTTP_500)
            .fault("/feed", FixtureUpstream.Fault.SLOW)
            .slowDelay(Duration.ofSeconds(3));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final UpstreamClient client = new UpstreamClient(
            TestProperties.with(Map.of("upstream.timeout", "500ms", "upstream.connect-timeout", "500ms")),
            meters,
            ObservationRegistry.NOOP,
            TestRetries.inCallersThread(meters));

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @Test
    void shouldLogARefusedConnectionOnceForManyFailures(CapturedOutput output) throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + closed + "/book/stats");
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> client.get("stats", uri)).isInstanceOf(UpstreamException.class);
        }

        assertThat(lines(output, "127.0.0.1:" + closed))
                .singleElement()
                .asString()
                .contains("upstream stats call to 127.0.0.1:" + closed
                        + " (THETANUTS_INDEXER_URL) failed: connection refused");
    }

    @Test
    void shouldAnswerWithTheSettingTheHostAndTheCauseButNoJavaClassName() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + closed + "/feed/");

        assertThatThrownBy(() -> client.get("orders", uri))
                .isInstanceOf(UpstreamException.class)
                .hasMessage("orders call to 127.0.0.1:" + closed + " (THETANUTS_ORDERS_URL) failed: connection refused")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("[A-Za-z]+(Exception|Error)\\b"));
    }

    @Test
    void shouldNameTheHttpStatus(CapturedOutput output) {
        URI uri = URI.create(upstream.base() + "/book/stats");
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.get("stats", uri)).isInstanceOf(UpstreamException.class);
        }

        assertThat(lines(output, "failed: answered HTTP 500"))
                .singleElement()
                .asString()
                .contains(host(uri));
    }

    @Test
    void shouldNameATimeout(CapturedOutput output) {
        URI uri = URI.create(upstream.ordersUrl());

        assertThatThrownBy(() -> client.get("orders", uri)).isInstanceOf(UpstreamException.class);

        assertThat(lines(output, "failed: no answer within 500 ms"))
                .singleElement()
                .asString()
                .contains(host(uri));
    }

    @Test
    void shouldNameAFailedDnsLookup(CapturedOutput output) {
        URI uri = URI.create("http://nutsgate-no-such-host.invalid/feed/");

        assertThatThrownBy(() -> client.get("orders", uri)).isInstanceOf(UpstreamException.class);

        assertThat(lines(output, "nutsgate-no-such-host.invalid"))
                .singleElement()
                .asString()
                .contains("(THETANUTS_ORDERS_URL) failed: DNS lookup failed");
    }

    private static String host(URI uri) {
        return " call to " + uri.getHost() + ":" + uri.getPort() + " (THETANUTS_";
    }

    private static List<String> lines(CapturedOutput output, String containing) {
        return output.getAll().lines().filter(line -> line.contains(containing)).toList();
    }
}
