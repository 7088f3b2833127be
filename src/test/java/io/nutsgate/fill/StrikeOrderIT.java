package io.nutsgate.fill;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.GatewayTest;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.web3j.crypto.Hash;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Put structures as real feeds list them, strikes descending (REFERENCE §4.1a), beside the same orders listed
 * ascending ({@code fixtures/orders.puts.json}: PUT_SPREAD, PUT_FLY and PUT_CONDOR, each descending then
 * ascending, every other field equal). Through the HTTP API both orders of a pair give the same capacity, payout,
 * default payoff curve and fill plan, equal to numbers worked out by hand; the strikes a client gets back (the order,
 * the valued strikes, the fillOrder calldata) are the ones the maker signed, in their order.
 */
class StrikeOrderIT extends GatewayTest {

    private static final String FEED = "orders.puts.json";

    @BeforeEach
    void servePutStructures() {
        upstream.body("/feed/", FixtureUpstream.fixture(FEED));
    }

    private static JsonNode signed(int index) {
        return json.readTree(FixtureUpstream.fixture(FEED))
                .get("data")
                .get("orders")
                .get(index);
    }

    private static String orderId(int index) {
        return Hash.sha3(signed(index).get("signature").asString());
    }

    private static List<String> feedStrikes(int index) {
        List<String> strikes = new ArrayList<>();
        signed(index).get("order").get("strikes").forEach(s -> strikes.add(s.asString()));
        return strikes;
    }

    private static JsonNode data(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return body(response).get("data");
    }

    private static List<String> values(JsonNode amounts, String field) {
        List<String> values = new ArrayList<>();
        amounts.forEach(a -> values.add(a.get(field).asString()));
        return values;
    }

    /** The answer without the fields that name the order or echo its strikes, which differ within a pair. */
    private static JsonNode withoutIdentity(JsonNode data, String... fields) {
        ObjectNode copy = (ObjectNode) data.deepCopy();
        copy.remove("orderId");
        copy.remove("strikes");
        for (String field : fields) {
            copy.remove(field);
        }
        return copy;
    }

    @Test
    void shouldListPutStructuresInEitherStrikeOrderWithTheSameCapacity() {
        JsonNode data = data(get("/nuts/orders"));

        assertThat(data.get("count").asInt()).isEqualTo(6);
        // budget / one wing: 10,000 / 100, 30,000 / 3,000, 12,000 / 100 contracts (6 dp)
        List<String> capacities = List.of("100000000", "100000000", "10000000", "10000000", "120000000", "120000000");
        for (int i = 0; i < 6; i++) {
            JsonNode order = data.get("orders").get(i);
            assertThat(order.get("id").asString()).isEqualTo(orderId(i));
            List<String> strikes = new ArrayList<>();
            order.get("strikes").forEach(s -> strikes.add(s.get("raw").asString()));
            assertThat(strikes).as("strikes as signed, order %d", i).isEqualTo(feedStrikes(i));
            assertSignedOrder(order.get("order"), signed(i).get("order"));
            assertThat(order.get("capacity").get("maxContracts").get("raw").asString())
                    .as("capacity of order %d", i)
                    .isEqualTo(capacities.get(i));
        }
        assertThat(values(data.get("orders").get(0).get("strikes"), "value")).containsExactly("2400", "2300");
        assertThat(values(data.get("orders").get(4).get("strikes"), "value"))
                .containsExactly("2500", "2400", "2200", "2100");
    }

    /** The signed order as the API answers it: every number as signed, the addresses EIP-55 checksummed. */
    private static void assertSignedOrder(JsonNode answered, JsonNode signed) {
        assertThat(answered.propertyNames()).containsExactlyElementsOf(signed.propertyNames());
        for (String field : signed.propertyNames()) {
            JsonNode given = signed.get(field);
            if (given.isString() && given.asString().matches("0x[0-9a-fA-F]{40}")) {
                io.nutsgate.support.Eip55.assertChecksummed(answered.get(field).asString(), given.asString());
            } else {
                assertThat(answered.get(field)).as(field).isEqualTo(given);
            }
        }
    }

    /** One contract of each order valued at a settlement price; every expected number worked out by hand. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            PUT_SPREAD 2400/2300 | 0 | 2342.18  | 100  | 38.5  | 2361.5        | 57.82  | 42.18   | 19.32  | 61.5
            PUT_FLY 98k/95k/92k  | 2 | 97210.55 | 3000 | 612.4 | 92612.4,97387.6 | 789.45 | 2210.55 | 177.05 | 2387.6
            PUT_CONDOR 2500…2100 | 4 | 2450.37  | 100  | 45    | 2145,2455     | 49.63  | 50.37   | 4.63   | 55
            """)
    void shouldValueBothStrikeOrdersTheSame(
            String label,
            int descending,
            String settlement,
            String collateral,
            String premium,
            String breakevens,
            String payout,
            String sellerReturn,
            String buyerProfit,
            String sellerMaxLoss) {
        JsonNode[] answers = new JsonNode[4];
        for (int k = 0; k < 2; k++) {
            int index = descending + k;
            answers[k] = data(post(
                    "/nuts/payout",
                    "{\"orderId\":\"" + orderId(index) + "\",\"settlementPrice\":\"" + settlement + "\"}"));
            ObjectNode raw = json.createObjectNode();
            raw.set("order", signed(index).get("order"));
            raw.put("numContracts", "1").put("settlementPrice", settlement);
            answers[2 + k] = data(post("/nuts/payout", raw.toString()));
        }

        for (int a = 0; a < 4; a++) {
            JsonNode data = answers[a];
            int index = descending + a % 2;
            assertThat(values(data.get("strikes"), "raw")).isEqualTo(feedStrikes(index));
            assertThat(data.get("collateral").get("value").asString()).isEqualTo(collateral);
            assertThat(data.get("maxPayout").get("value").asString()).isEqualTo(collateral);
            assertThat(data.get("premium").get("value").asString()).isEqualTo(premium);
            assertThat(data.get("maxLoss").get("buyer").get("value").asString()).isEqualTo(premium);
            assertThat(data.get("maxLoss").get("seller").get("value").asString())
                    .isEqualTo(sellerMaxLoss);
            assertThat(values(data.get("breakevens"), "value")).containsExactly(breakevens.split(","));
            JsonNode at = data.get("atSettlement");
            assertThat(at.get("payout").get("value").asString()).isEqualTo(payout);
            assertThat(at.get("sellerReturn").get("value").asString()).isEqualTo(sellerReturn);
            assertThat(at.get("profit").get("buyer").get("value").asString()).isEqualTo(buyerProfit);
            assertThat(at.get("profit").get("seller").get("value").asString()).isEqualTo("-" + buyerProfit);
        }
        assertThat(withoutIdentity(answers[0])).isEqualTo(withoutIdentity(answers[1]));
        assertThat(withoutIdentity(answers[2])).isEqualTo(withoutIdentity(answers[3]));
    }

    /** Default range: lowest strike −20 % to highest +20 %, whichever end of the list each is at. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            PUT_SPREAD | 0 | 1840  | 2880   | 2300:100,2400:0
            PUT_FLY    | 2 | 73600 | 117600 | 92000:0,95000:3000,98000:0
            PUT_CONDOR | 4 | 1680  | 3000   | 2100:0,2200:100,2400:100,2500:0
            """)
    void shouldDrawTheSameDefaultPayoffCurveForBothStrikeOrders(
            String product, int descending, String from, String to, String kinks) {
        JsonNode desc = data(get("/nuts/orders/" + orderId(descending) + "/payoff"));
        JsonNode asc = data(get("/nuts/orders/" + orderId(descending + 1) + "/payoff"));

        for (JsonNode curve : List.of(desc, asc)) {
            assertThat(curve.get("product").asString()).isEqualTo(product);
            assertThat(curve.get("from").get("value").asString()).isEqualTo(from);
            assertThat(curve.get("to").get("value").asString()).isEqualTo(to);
            JsonNode points = curve.get("points");
            assertThat(points.get(0).get("price").get("value").asString()).isEqualTo(from);
            assertThat(points.get(points.size() - 1).get("price").get("value").asString())
                    .isEqualTo(to);
            for (String kink : kinks.split(",")) {
                String[] priceAndPayout = kink.split(":");
                JsonNode point = null;
                for (JsonNode p : points) {
                    if (p.get("price").get("value").asString().equals(priceAndPayout[0])) {
                        point = p;
                    }
                }
                assertThat(point)
                        .as("a point at the strike %s", priceAndPayout[0])
                        .isNotNull();
                assertThat(point.get("payout").get("value").asString()).isEqualTo(priceAndPayout[1]);
            }
        }
        assertThat(withoutIdentity(desc)).isEqualTo(withoutIdentity(asc));
    }

    /**
     * A 1,000 USDC budget at the fixtures' spots: contracts = floor(1000e6 × 1e8 / price), premium = floor(price ×
     * N / 1e8), collateral = wing × N / 1e8, fee = min(N × 6 × spot / 1e8 / 1e4, premium × 12.5 %).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            PUT_SPREAD | 0 | 25974025 | 999999962 | 2597402500 | 38187582
            PUT_FLY    | 2 | 1632919  | 999999595 | 4898757000 | 95242172
            PUT_CONDOR | 4 | 22222222 | 999999990 | 2222222200 | 32671599
            """)
    void shouldPlanTheSameFillForBothStrikeOrdersWithTheSignedStrikesInTheCalldata(
            String product, int descending, String contracts, String premium, String collateral, String fee) {
        clock.set(FillPlannerTests.FILLABLE);
        JsonNode[] plans = new JsonNode[2];
        for (int k = 0; k < 2; k++) {
            int index = descending + k;
            JsonNode plan = data(post(
                    "/nuts/orders/" + orderId(index) + "/fill-plan",
                    "{\"usdcAmount\":\"1000\",\"taker\":\"" + USER + "\"}"));
            assertThat(plan.get("product").asString()).isEqualTo(product);
            assertThat(plan.get("numContracts").get("raw").asString()).isEqualTo(contracts);
            assertThat(plan.get("premium").get("raw").asString()).isEqualTo(premium);
            assertThat(plan.get("approval").get("amount").get("raw").asString()).isEqualTo(premium);
            assertThat(plan.get("collateral").get("raw").asString()).isEqualTo(collateral);
            assertThat(plan.get("estimatedFee").get("raw").asString()).isEqualTo(fee);
            FillCalldataTests.DecodedFill fill = FillCalldataTests.decodeFill(
                    plan.get("transactions").get(1).get("data").asString());
            assertThat(fill.strikes().stream().map(BigInteger::toString).toList())
                    .isEqualTo(feedStrikes(index));
            FillCalldataTests.assertMatchesFeedOrder(fill, signed(index), new BigInteger(contracts), REFERRER);
            plans[k] = withoutIdentity(plan, "transactions");
        }
        assertThat(plans[0]).isEqualTo(plans[1]);
    }
}
