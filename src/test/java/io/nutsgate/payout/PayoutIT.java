package io.nutsgate.payout;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.GatewayTest;
import io.nutsgate.support.Vectors;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** POST /nuts/payout and GET /nuts/orders/{id}/payoff over the fixture feed and indexer. */
class PayoutIT extends GatewayTest {

    private static JsonNode feedOrder(int index) {
        return json.readTree(FixtureUpstream.fixture("orders.json"))
                .get("data")
                .get("orders")
                .get(index);
    }

    /** The order's id as ethers computes it (keccak-256 of the signature, vectors/keccak.json). */
    private static String orderId(int index) {
        return Vectors.load("keccak.json").get("orderIds").get(index).get("id").asString();
    }

    private static String rawOrderRequest(int index, String numContracts, String settlementPrice) {
        ObjectNode request = json.createObjectNode();
        request.set("order", feedOrder(index).get("order"));
        request.put("numContracts", numContracts);
        if (settlementPrice != null) {
            request.put("settlementPrice", settlementPrice);
        }
        return request.toString();
    }

    private static JsonNode data(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return body(response).get("data");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo(code);
    }

    private static List<String> values(JsonNode amounts) {
        List<String> values = new ArrayList<>();
        amounts.forEach(a -> values.add(a.get("value").asString()));
        return values;
    }

    // ---------------------------------------------------------------------------------------------- /nuts/payout

    @Test
    void shouldValueTheFeedsRawOrderAtASettlementPrice() {
        JsonNode data = data(post("/nuts/payout", rawOrderRequest(0, "23.724792", "2600")));

        assertThat(data.get("source").asString()).isEqualTo("order");
        assertThat(data.get("product").asString()).isEqualTo("CALL_SPREAD");
        assertThat(data.get("optionType").asString()).isEqualTo("CALL_SPREAD");
        assertThat(data.get("underlying").asString()).isEqualTo("ETH");
        assertThat(data.get("collateralToken").get("symbol").asString()).isEqualTo("USDC");
        assertThat(values(data.get("strikes"))).containsExactly("2500", "2700");
        assertThat(data.get("price").get("value").asString()).isEqualTo("42.15");
        assertThat(data.get("premium").get("raw").asString()).isEqualTo("999999982");
        assertThat(data.get("premium").get("value").asString()).isEqualTo("999.999982");
        assertThat(data.get("collateral").get("value").asString()).isEqualTo("4744.9584");
        assertThat(data.get("maxPayout").get("raw").asString()).isEqualTo("4744958400");
        assertThat(data.get("maxLoss").get("buyer").get("value").asString()).isEqualTo("999.999982");
        assertThat(data.get("maxLoss").get("seller").get("value").asString()).isEqualTo("3744.958418");
        assertThat(values(data.get("breakevens"))).containsExactly("2542.14999996");
        JsonNode at = data.get("atSettlement");
        assertThat(at.get("settlementPrice").get("raw").asString()).isEqualTo("260000000000");
        assertThat(at.get("payout").get("value").asString()).isEqualTo("2372.4792");
        assertThat(at.get("sellerReturn").get("value").asString()).isEqualTo("2372.4792");
        assertThat(at.get("profit").get("buyer").get("value").asString()).isEqualTo("1372.479218");
        assertThat(at.get("profit").get("seller").get("value").asString()).isEqualTo("-1372.479218");
    }

    @Test
    void shouldReadStrikesGivenAsStrings() {
        // the put fly's strikes are strings in the feed
        JsonNode data = data(post("/nuts/payout", rawOrderRequest(1, "3.265839", "97210.55")));

        assertThat(data.get("product").asString()).isEqualTo("PUT_FLY");
        assertThat(data.get("collateral").get("value").asString()).isEqualTo("9797.517");
        assertThat(data.get("premium").get("value").asString()).isEqualTo("1999.999803");
        assertThat(values(data.get("breakevens"))).containsExactly("92612.39999981", "97387.60000018");
        assertThat(data.get("atSettlement").get("payout").get("value").asString())
                .isEqualTo("2578.216598");
    }

    @Test
    void shouldValueALiveOrderByIdPerContractByDefault() {
        JsonNode data = data(post("/nuts/payout", "{\"orderId\":\"" + orderId(2) + "\"}"));

        assertThat(data.get("source").asString()).isEqualTo("orderId");
        assertThat(data.get("orderId").asString()).isEqualTo(orderId(2));
        assertThat(data.get("product").asString()).isEqualTo("IRON_CONDOR");
        assertThat(data.get("numContracts").get("value").asString()).isEqualTo("1");
        assertThat(data.get("collateral").get("value").asString()).isEqualTo("100");
        assertThat(data.get("premium").get("value").asString()).isEqualTo("31.8");
        assertThat(values(data.get("breakevens"))).containsExactly("2268.2", "2631.8");
        assertThat(data.has("atSettlement")).isFalse();
    }

    @Test
    void shouldValueAnOpenPositionByOptionAddress() {
        JsonNode data = data(post(
                "/nuts/payout",
                "{\"optionAddress\":\"0xf7cd8539121aececfa63c6ca40dcc6da770ae954\",\"owner\":\"" + USER
                        + "\",\"settlementPrice\":\"2700\"}"));

        assertThat(data.get("source").asString()).isEqualTo("optionAddress");
        assertThat(data.get("product").asString()).isEqualTo("CALL_SPREAD");
        assertThat(data.get("numContracts").get("raw").asString()).isEqualTo("23724792");
        assertThat(data.get("premium").get("raw").asString()).isEqualTo("999999982");
        assertThat(data.get("atSettlement").get("payout").get("value").asString())
                .isEqualTo("4744.9584");
        assertThat(data.get("atSettlement")
                        .get("profit")
                        .get("buyer")
                        .get("value")
                        .asString())
                .isEqualTo("3744.958418");
    }

    /** The settled fixtures' own settlement price reproduces the indexer's payoutBuyer and seller return. */
    @ParameterizedTest
    @CsvSource({
        "0xd2fc61500f0566b5eb2c640f905d45ab6817f6ec, PUT_SPREAD, 896210000, 653790000",
        "0x06ca254d3c4f51f71a4cae177a44583e762da41b, CALL_SPREAD, 0, 1000000000",
        "0x5ea9617f23a0230159532eaa3402212dc119f2a4, INVERSE_CALL, 27272727272727272, 472727272727272728"
    })
    void shouldReproduceTheSettledHistory(String option, String product, String payout, String sellerReturn) {
        JsonNode data = data(post("/nuts/payout", "{\"optionAddress\":\"" + option + "\",\"owner\":\"" + USER + "\"}"));

        assertThat(data.get("product").asString()).isEqualTo(product);
        assertThat(data.get("atSettlement").get("payout").get("raw").asString()).isEqualTo(payout);
        assertThat(data.get("atSettlement").get("sellerReturn").get("raw").asString())
                .isEqualTo(sellerReturn);
    }

    @Test
    void shouldRefuseMalformedOrUnsupportedRequests() {
        assertError(post("/nuts/payout", rawOrderRequest(0, "1.0000001", null)), 400, "INVALID_AMOUNT");
        assertError(post("/nuts/payout", rawOrderRequest(0, "1", "2600.123456789")), 400, "INVALID_AMOUNT");
        assertError(post("/nuts/payout", rawOrderRequest(0, "-1", null)), 400, "INVALID_AMOUNT");
        assertError(
                post(
                        "/nuts/payout",
                        rawOrderRequest(0, "1", null)
                                .replace(
                                        "0xfaeD63f7040E65b79cF0Ae29706fDc423eE249A9",
                                        "0x000000000000000000000000000000000000dEaD")),
                422,
                "UNKNOWN_IMPLEMENTATION");
        // the RANGER implementation with the condor's four strikes
        assertError(
                post(
                        "/nuts/payout",
                        rawOrderRequest(2, "1", null)
                                .replace(
                                        "0x9ebd7E23AfD52a48F557523019285EfEF2170D59",
                                        "0x9980ec85bc6fE07340adb36c76FA093bb6D4FcBc")),
                422,
                "PRODUCT_UNSUPPORTED");
        // two equal strikes: no spread, in either order
        assertError(
                post("/nuts/payout", rawOrderRequest(0, "1", null).replace("250000000000", "270000000000")),
                400,
                "INVALID_STRIKES");
        // a strike above 2^256 − 1 cannot be a uint256
        assertError(
                post(
                        "/nuts/payout",
                        rawOrderRequest(0, "1", null)
                                .replace(
                                        "250000000000",
                                        "115792089237316195423570985008687907853269984665640564039457584007913129639936")),
                400,
                "INVALID_STRIKES");
        assertError(
                post(
                        "/nuts/payout",
                        "{\"orderId\":\"" + orderId(0)
                                + "\",\"optionAddress\":\"0xf7cd8539121aececfa63c6ca40dcc6da770ae954\"}"),
                400,
                "INVALID_BODY");
        assertError(post("/nuts/payout", "{\"orderId\":\"0x" + "ab".repeat(32) + "\"}"), 404, "ORDER_NOT_FOUND");
        assertError(
                post("/nuts/payout", "{\"optionAddress\":\"0x" + "ab".repeat(20) + "\",\"owner\":\"" + USER + "\"}"),
                404,
                "POSITION_NOT_FOUND");
    }

    // ---------------------------------------------------------------------------------------------- payoff curve

    @Test
    void shouldDrawTheCurveOverStrikesPlusMinusTwentyPercentWithExactKinks() {
        JsonNode data = data(get("/nuts/orders/" + orderId(0) + "/payoff?numContracts=1"));

        assertThat(data.get("from").get("value").asString()).isEqualTo("2000");
        assertThat(data.get("to").get("value").asString()).isEqualTo("3240");
        JsonNode points = data.get("points");
        assertThat(points.size()).isEqualTo(Payouts.DEFAULT_CURVE_POINTS);
        BigInteger previous = BigInteger.valueOf(-1);
        boolean lowerKink = false, upperKink = false;
        for (JsonNode p : points) {
            BigInteger price = new BigInteger(p.get("price").get("raw").asString());
            assertThat(price).isGreaterThan(previous);
            previous = price;
            if (p.get("price").get("value").asString().equals("2500")) {
                lowerKink = true;
                assertThat(p.get("payout").get("value").asString()).isEqualTo("0");
                assertThat(p.get("profit").get("value").asString()).isEqualTo("-42.15");
            }
            if (p.get("price").get("value").asString().equals("2700")) {
                upperKink = true;
                assertThat(p.get("payout").get("raw").asString()).isEqualTo("200000000");
                assertThat(p.get("profit").get("value").asString()).isEqualTo("157.85");
            }
        }
        assertThat(lowerKink).isTrue();
        assertThat(upperKink).isTrue();
        assertThat(points.get(0).get("price").get("value").asString()).isEqualTo("2000");
        assertThat(points.get(points.size() - 1).get("price").get("value").asString())
                .isEqualTo("3240");
    }

    @Test
    void shouldSizeTheCurveFromABudgetAndHonourTheRange() {
        JsonNode data = data(get("/nuts/orders/" + orderId(0) + "/payoff?usdcAmount=1000&from=2400&to=2800&points=5"));

        assertThat(data.get("numContracts").get("raw").asString()).isEqualTo("23724792");
        assertThat(data.get("capped").asBoolean()).isFalse();
        List<String> prices = new ArrayList<>();
        data.get("points").forEach(p -> prices.add(p.get("price").get("value").asString()));
        // 3 grid points (2400, 2600, 2800) and the two strikes
        assertThat(prices).containsExactly("2400", "2500", "2600", "2700", "2800");
        assertThat(data.get("points").get(4).get("payout").get("value").asString())
                .isEqualTo("4744.9584");
    }

    @Test
    void shouldRefuseMoreThanAThousandPoints() {
        assertThat(data(get("/nuts/orders/" + orderId(1) + "/payoff?points=1000"))
                        .get("points")
                        .size())
                .isEqualTo(1000);
        assertError(get("/nuts/orders/" + orderId(1) + "/payoff?points=1001"), 400, "INVALID_PARAMETER");
        assertError(get("/nuts/orders/" + orderId(1) + "/payoff?from=3000&to=2000"), 400, "INVALID_PARAMETER");
        assertError(
                get("/nuts/orders/" + orderId(1) + "/payoff?numContracts=10.000001"), 422, "AMOUNT_EXCEEDS_CAPACITY");
        assertError(get("/nuts/orders/0x" + "cd".repeat(32) + "/payoff"), 404, "ORDER_NOT_FOUND");
    }

    @Test
    void shouldDocumentTheEndpointsInOpenApi() {
        HttpResponse<String> response = get("/v3/api-docs");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode paths = body(response).get("paths");
        assertThat(paths.has("/nuts/payout")).isTrue();
        assertThat(paths.has("/nuts/orders/{id}/payoff")).isTrue();
        assertThat(paths.has("/nuts/orders/{id}/fill-plan")).isTrue();
        assertThat(paths.get("/nuts/payout").get("post").get("summary").asString())
                .contains("breakevens");
    }
}
