package io.nutsgate.fill;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.Eip55;
import io.nutsgate.support.GatewayTest;
import io.nutsgate.support.Vectors;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** POST /nuts/orders/{id}/fill-plan over the fixture feed, with the referrer configured. */
class FillPlanIT extends GatewayTest {

    /** The order's id as ethers computes it (keccak-256 of the signature, vectors/keccak.json). */
    private static String orderId(int index) {
        return Vectors.load("keccak.json").get("orderIds").get(index).get("id").asString();
    }

    private HttpResponse<String> plan(int index, String body) {
        return post("/nuts/orders/" + orderId(index) + "/fill-plan", body);
    }

    @Test
    void shouldPlanAFillWithReadyToSignTransactions() {
        clock.set(FillPlannerTests.FILLABLE);

        HttpResponse<String> response = plan(0, "{\"usdcAmount\":\"1000\",\"taker\":\"" + USER + "\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode data = body(response).get("data");
        assertThat(data.get("orderId").asString()).isEqualTo(orderId(0));
        assertThat(data.get("numContracts").get("value").asString()).isEqualTo("23.724792");
        assertThat(data.get("premium").get("raw").asString()).isEqualTo("999999982");
        assertThat(data.get("estimatedFee").get("value").asString()).isEqualTo("34.880711");
        Eip55.assertChecksummed(data.get("referrer").asString(), REFERRER);
        assertThat(data.has("estimatedReferrerFee")).isFalse();
        assertThat(data.get("approval").get("spender").asString())
                .isEqualTo("0x1bDff855d6811728acaDC00989e79143a2bdfDed");
        assertThat(data.get("approval").get("amount").get("raw").asString()).isEqualTo("999999982");
        JsonNode approve = data.get("transactions").get(0);
        JsonNode fill = data.get("transactions").get(1);
        assertThat(approve.get("kind").asString()).isEqualTo("approve");
        Eip55.assertChecksummed(approve.get("from").asString(), USER);
        assertThat(approve.get("to").asString()).isEqualTo("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913");
        // ethers' encoding of approve(optionBook, 999999982) and of this fill (vectors/calldata.json)
        assertThat(approve.get("data").asString())
                .isEqualTo(Vectors.load("calldata.json")
                        .get("approve")
                        .get(0)
                        .get("calldata")
                        .asString());
        assertThat(fill.get("data").asString())
                .isEqualTo(Vectors.load("calldata.json")
                        .get("fillOrder")
                        .get(0)
                        .get("calldata")
                        .asString());
        assertThat(approve.get("value").asString()).isEqualTo("0");
        Eip55.assertChecksummed(fill.get("from").asString(), USER);
        assertThat(fill.get("kind").asString()).isEqualTo("fillOrder");
        assertThat(fill.get("to").asString()).isEqualTo("0x1bDff855d6811728acaDC00989e79143a2bdfDed");
        assertThat(fill.get("value").asString()).isEqualTo("0");
        FillCalldataTests.assertMatchesFeedOrder(
                FillCalldataTests.decodeFill(fill.get("data").asString()),
                FixtureOrders.signed(0),
                new BigInteger("23724792"),
                REFERRER);
    }

    @Test
    void shouldRefuseAQuoteWithLessThanAMinuteLeft() {
        // the fixtures' "now": 55 s left on every quote
        HttpResponse<String> response = plan(0, "{\"usdcAmount\":\"1000\"}");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo("ORDER_EXPIRED");
    }

    @Test
    void shouldAnswerCodedErrorsForBadFills() {
        clock.set(FillPlannerTests.FILLABLE);

        assertCode(
                post("/nuts/orders/0x" + "ab".repeat(32) + "/fill-plan", "{\"usdcAmount\":\"1\"}"),
                404,
                "ORDER_NOT_FOUND");
        assertCode(plan(2, "{\"numContracts\":\"151\"}"), 422, "AMOUNT_EXCEEDS_CAPACITY");
        assertCode(plan(0, "{\"usdcAmount\":\"0.000042\"}"), 422, "AMOUNT_TOO_SMALL");
        assertCode(plan(0, "{\"usdcAmount\":\"0.0000001\"}"), 400, "INVALID_AMOUNT");
        assertCode(plan(0, "{}"), 400, "INVALID_BODY");
        HttpResponse<String> anonymous = plan(0, "{\"numContracts\":\"1\"}");
        assertThat(body(anonymous).get("data").get("transactions").get(0).has("from"))
                .isFalse();
    }

    private static void assertCode(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo(code);
    }
}
