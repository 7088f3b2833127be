package io.nutsgate.positions;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.Eip55;
import io.nutsgate.support.FixtureUpstream.Fault;
import io.nutsgate.support.GatewayTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class PositionsIT extends GatewayTest {

    private static final String POSITIONS = "/book/user/" + USER + "/positions";
    private static final String HISTORY = "/book/user/" + USER + "/history";

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldReturnOnlyOurReferrersPositionsFromEitherHostGeneration(boolean legacy) {
        upstream.legacy(legacy);

        JsonNode data = body(post(
                        "/nuts/positions",
                        "{\"address\":\"" + USER.toUpperCase().replace("0X", "0x") + "\",\"type\":\"all\"}"))
                .get("data");

        Eip55.assertChecksummed(data.get("address").asString(), USER);
        Eip55.assertChecksummed(data.get("referrer").asString(), REFERRER);
        assertThat(referrers(data.get("positions"))).isNotEmpty().containsOnly(REFERRER);
        assertThat(referrers(data.get("history"))).isNotEmpty().containsOnly(REFERRER);
        JsonNode first = data.get("positions").get(0);
        assertThat(first.get("entryPremium").isString()).isTrue();
        assertThat(first.get("strikes").get(0).asString()).isEqualTo("250000000000");
        assertThat(first.get("collateralDecimals").asInt()).isEqualTo(6);
        // the companion: the same amounts as {raw, value}, in USDC's 6 decimals and USD's 8
        JsonNode amounts = first.get("amounts");
        assertThat(amounts.get("entryPremium").get("raw").asString()).isEqualTo("999999982");
        assertThat(amounts.get("entryPremium").get("value").asString()).isEqualTo("999.999982");
        assertThat(amounts.get("numContracts").get("value").asString()).isEqualTo("23.724792");
        assertThat(amounts.get("collateralAmount").get("value").asString()).isEqualTo("4744.9584");
        assertThat(amounts.get("strikes").get(1).get("value").asString()).isEqualTo("2700");
    }

    @Test
    void shouldKeepOtherPlatformsPositionsWhenNotFilteringByReferrer() {
        JsonNode data = body(post(
                        "/nuts/positions",
                        "{\"address\":\"" + USER + "\",\"type\":\"open\",\"filterByReferrer\":false}"))
                .get("data");

        assertThat(referrers(data.get("positions"))).contains(REFERRER, OTHER_REFERRER);
        assertThat(data.has("history")).isFalse();
        assertThat(data.get("referrer").isNull()).isTrue();
        assertThat(upstream.hits(HISTORY)).isZero();
    }

    @Test
    void shouldKeepEveryFieldAndTurnNumericAmountsIntoStrings() {
        upstream.body(
                HISTORY,
                "{\"data\":[{\"address\":\"0xd2fc61500f0566b5eb2c640f905d45ab6817f6ec\",\"referrer\":\""
                        + REFERRER
                        + "\",\"entryPremium\":285975000,\"strikes\":[230000000000],\"futureField\":{\"x\":1},"
                        + "\"settlement\":{\"payoutBuyer\":896210000,\"collateralReturnedSeller\":null}}]}");

        JsonNode history = body(post("/nuts/positions", "{\"address\":\"" + USER + "\",\"type\":\"history\"}"))
                .get("data")
                .get("history")
                .get(0);

        assertThat(history.get("entryPremium").asString()).isEqualTo("285975000");
        assertThat(history.get("strikes").get(0).asString()).isEqualTo("230000000000");
        assertThat(history.get("settlement").get("payoutBuyer").asString()).isEqualTo("896210000");
        assertThat(history.get("settlement").get("collateralReturnedSeller").isNull())
                .isTrue();
        assertThat(history.get("futureField").get("x").asInt()).isEqualTo(1);
        // no collateralDecimals nor a known collateralToken: only the USD amounts get a companion
        assertThat(history.get("amounts").has("entryPremium")).isFalse();
        assertThat(history.get("amounts").get("strikes").get(0).get("value").asString())
                .isEqualTo("2300");
    }

    @Test
    void shouldCachePositionsPerAddress() {
        String request = "{\"address\":\"" + USER + "\",\"type\":\"open\"}";
        post("/nuts/positions", request);
        post("/nuts/positions", request);
        assertThat(upstream.hits(POSITIONS)).isEqualTo(1);
    }

    @Test
    void shouldServeStalePositionsWhenTheIndexerFails() {
        String request = "{\"address\":\"" + USER + "\",\"type\":\"open\"}";
        post("/nuts/positions", request);
        clock.advance(Duration.ofSeconds(61));
        upstream.fault("/book/user", Fault.SLOW);

        HttpResponse<String> response = post("/nuts/positions", request);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response).get("stale").asBoolean()).isTrue();
        assertThat(body(response).get("ageSeconds").asLong()).isEqualTo(61);
    }

    @Test
    void shouldAnswerBadResponseWhenTheIndexerSendsSomethingElse() {
        upstream.body(POSITIONS, "{\"positions\":\"nope\"}");
        HttpResponse<String> response = post("/nuts/positions", "{\"address\":\"" + USER + "\",\"type\":\"open\"}");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo("UPSTREAM_BAD_RESPONSE");
    }

    private static List<String> referrers(JsonNode positions) {
        List<String> referrers = new ArrayList<>();
        positions.forEach(p -> referrers.add(p.get("referrer").asString().toLowerCase()));
        return referrers;
    }
}
