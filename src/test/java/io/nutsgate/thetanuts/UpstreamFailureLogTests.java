package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class UpstreamFailureLogTests {

    private final MutableClock clock = new MutableClock();
    private final UpstreamFailureLog failures = new UpstreamFailureLog(clock);
    private final URI indexer = URI.create("https://indexer.example:8443/api/v1/book/stats");

    @Test
    void shouldReportHowManyFailuresAQuietMinuteStoodFor(CapturedOutput output) {
        for (int i = 0; i < 10; i++) {
            failures.failed("stats", indexer, "connection refused", true);
            clock.advance(Duration.ofSeconds(5)); // 10 failures within 50 s
        }
        clock.advance(Duration.ofSeconds(10)); // a minute after the first
        failures.failed("stats", indexer, "connection refused", true);

        assertThat(lines(output))
                .containsExactly(
                        "upstream stats call to indexer.example:8443 (THETANUTS_INDEXER_URL) failed: connection refused",
                        "upstream stats call to indexer.example:8443 (THETANUTS_INDEXER_URL) failed: connection refused"
                                + " (and 9 more times since the last report)");
    }

    @Test
    void shouldReportEachCauseAndHostOnItsOwn(CapturedOutput output) {
        failures.failed("stats", indexer, "connection refused", true);
        failures.failed("stats", indexer, "answered HTTP 503", false);
        failures.failed("orders", URI.create("https://feed.example/"), "answered HTTP 503", false);
        failures.failed("stats", indexer, "answered HTTP 503", false);

        assertThat(lines(output))
                .containsExactly(
                        "upstream stats call to indexer.example:8443 (THETANUTS_INDEXER_URL) failed: connection refused",
                        "upstream stats call to indexer.example:8443 (THETANUTS_INDEXER_URL) failed: answered HTTP 503",
                        "upstream orders call to feed.example (THETANUTS_ORDERS_URL) failed: answered HTTP 503");
    }

    private static List<String> lines(CapturedOutput output) {
        return output.getAll()
                .lines()
                .filter(line -> line.contains("upstream "))
                .map(line -> line.substring(line.indexOf("upstream ")))
                .toList();
    }
}
