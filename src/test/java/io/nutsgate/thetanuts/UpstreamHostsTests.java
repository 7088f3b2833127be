package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UpstreamHostsTests {

    @Test
    void shouldNameTheSettingHostAndCauseAndPointToTheStandInsForAnUnreachableDefaultHost() {
        String message = UpstreamHosts.describe(
                "orders",
                URI.create("https://round-snowflake-9c31.devops-118.workers.dev/"),
                "DNS lookup failed",
                true);

        assertThat(message)
                .startsWith("orders call to round-snowflake-9c31.devops-118.workers.dev (THETANUTS_ORDERS_URL) failed:"
                        + " DNS lookup failed; the default Thetanuts hosts are unreachable")
                .contains("python3 bench/fixture_upstream.py")
                .contains("dev/sandbox");
    }

    @Test
    void shouldNameTheIndexerSettingForEveryIndexerCall() {
        URI indexer = URI.create("https://indexer.thetanuts.finance/api/v1/book/stats");

        assertThat(UpstreamHosts.describe("stats", indexer, "connection refused", true))
                .startsWith(
                        "stats call to indexer.thetanuts.finance (THETANUTS_INDEXER_URL) failed: connection refused;")
                .contains("bench/fixture_upstream.py");
        assertThat(UpstreamHosts.describe("update", indexer, "answered HTTP 503", false))
                .isEqualTo(
                        "update call to indexer.thetanuts.finance (THETANUTS_INDEXER_URL) failed: answered HTTP 503");
    }

    @Test
    void shouldNotPointToTheStandInsWhenTheOperatorChoseTheHost() {
        assertThat(UpstreamHosts.describe(
                        "positions", URI.create("http://10.0.0.7:8080/book/user/0xab/positions"), "timeout", true))
                .isEqualTo("positions call to 10.0.0.7:8080 (THETANUTS_INDEXER_URL) failed: timeout");
    }
}
