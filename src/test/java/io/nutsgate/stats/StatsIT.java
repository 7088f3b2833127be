package io.nutsgate.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.FixtureUpstream.Fault;
import io.nutsgate.support.GatewayTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StatsIT extends GatewayTest {

    @Test
    void shouldServeTheIndexersStatsAsGiven() {
        JsonNode data = body(get("/nuts/stats")).get("data");
        assertThat(data.get("totalOptionsTracked").asInt()).isEqualTo(10342);
        assertThat(data.get("positions").get("pendingInit").asInt()).isEqualTo(12);
        get("/nuts/stats");
        assertThat(upstream.hits("/book/stats")).isEqualTo(1);
    }

    @Test
    void shouldAskTheIndexerForOurReferrersState() {
        HttpResponse<String> response = get("/nuts/referrer/stats");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response).get("data").get("referrer").asString()).isEqualTo(REFERRER);
        assertThat(upstream.hits("/book/referrer/" + REFERRER + "/state")).isEqualTo(1);
    }

    @Test
    void shouldAnswerBadResponseForStatsThatAreNotAnObject() {
        upstream.fault("/book/stats", Fault.HTML);
        HttpResponse<String> response = get("/nuts/stats");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo("UPSTREAM_BAD_RESPONSE");
    }
}
