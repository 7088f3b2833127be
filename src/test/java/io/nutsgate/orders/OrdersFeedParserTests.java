package io.nutsgate.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nutsgate.protocol.Deployments;
import io.nutsgate.protocol.Platform;
import io.nutsgate.support.FixtureUpstream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Feed orders whose values a uint256 cannot hold, or that no taker could fill, are left out and counted by reason;
 * the put structures of {@code orders.puts.json} are all kept with their strikes as listed.
 */
class OrdersFeedParserTests {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    /** 2^256: one above the largest uint256. */
    private static final String TWO_TO_256 =
            "115792089237316195423570985008687907853269984665640564039457584007913129639936";
    /** 2^256 − 1: the largest uint256. */
    private static final String MAX_UINT256 =
            "115792089237316195423570985008687907853269984665640564039457584007913129639935";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final OrdersFeedParser parser =
            new OrdersFeedParser(JSON, new Platform(Deployments.R12, Optional.empty()), meters);

    private static ObjectNode feed(String fixture) {
        return (ObjectNode) JSON.readTree(FixtureUpstream.fixture(fixture));
    }

    /** The call spread of {@code orders.json} (order 0) changed by {@code change}, alone in the feed. */
    private OrdersFeed parseChangedSpread(Consumer<ObjectNode> change) {
        ObjectNode feed = feed("orders.json");
        ArrayNode orders = (ArrayNode) feed.get("data").get("orders");
        ObjectNode spread = (ObjectNode) orders.get(0);
        orders.removeAll();
        orders.add(spread);
        change.accept((ObjectNode) spread.get("order"));
        return parser.parse(feed.toString().getBytes(StandardCharsets.UTF_8));
    }

    private double rejected(String reason) {
        Counter counter =
                meters.find("nuts.orders.rejected").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldKeepPutStructuresInEitherStrikeOrderAsListed() {
        OrdersFeed parsed =
                parser.parse(FixtureUpstream.fixture("orders.puts.json").getBytes(StandardCharsets.UTF_8));

        assertThat(parsed.orders()).hasSize(6);
        assertThat(parsed.orders().get(0).strikes())
                .containsExactly(new BigInteger("240000000000"), new BigInteger("230000000000"));
        assertThat(parsed.orders().get(2).strikes())
                .containsExactly(
                        new BigInteger("9800000000000"),
                        new BigInteger("9500000000000"),
                        new BigInteger("9200000000000"));
        assertThat(meters.find("nuts.orders.rejected").counters()).isEmpty();
    }

    @Test
    void shouldComputeTheNonceOfAQuoteWithoutOneAsTheBookDoes() {
        // the fixture's nonces were computed with the book's computeNonce preimage (REFERENCE §2.5 and §10)
        String given = feed("orders.json")
                .get("data")
                .get("orders")
                .get(0)
                .get("nonce")
                .asString();
        ObjectNode feed = feed("orders.json");
        ((ObjectNode) feed.get("data").get("orders").get(0)).remove("nonce");

        OrdersFeed parsed = parser.parse(feed.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(parsed.orders()).hasSize(3);
        assertThat(parsed.orders().get(0).nonce()).isEqualTo(given);
        assertThat(meters.find("nuts.orders.rejected").counters()).isEmpty();
    }

    @Test
    void shouldLeaveOutAQuoteWhoseNonceIsNotTheOneItsSignedFieldsGive() {
        ObjectNode feed = feed("orders.json");
        ((ObjectNode) feed.get("data").get("orders").get(1)).put("nonce", "12345");

        OrdersFeed parsed = parser.parse(feed.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(parsed.orders()).hasSize(2);
        assertThat(rejected("nonce")).isEqualTo(1);
    }

    @Test
    void shouldLeaveOutStrikesAndPricesAboveUint256() {
        assertThat(parseChangedSpread(
                                o -> o.putArray("strikes").add("250000000000").add(TWO_TO_256))
                        .orders())
                .isEmpty();
        assertThat(parseChangedSpread(o -> o.put("price", TWO_TO_256)).orders()).isEmpty();
        assertThat(parseChangedSpread(o -> o.put("price", new BigInteger(TWO_TO_256).multiply(BigInteger.TEN)))
                        .orders())
                .isEmpty();
        assertThat(parseChangedSpread(o -> o.put("maxCollateralUsable", TWO_TO_256))
                        .orders())
                .isEmpty();
        assertThat(parseChangedSpread(
                                o -> o.putArray("strikes").add(-250000000000L).add(270000000000L))
                        .orders())
                .isEmpty();

        assertThat(rejected("out_of_range")).isEqualTo(5);
        // the largest uint256 is a value (a price no one pays, but not out of range)
        assertThat(parseChangedSpread(o -> o.put("price", MAX_UINT256)).orders())
                .hasSize(1);
        assertThat(rejected("out_of_range")).isEqualTo(5);
    }

    @Test
    void shouldLeaveOutNegativeOrFractionalNumContracts() {
        for (Consumer<ObjectNode> change : List.<Consumer<ObjectNode>>of(
                o -> o.put("numContracts", "-1"),
                o -> o.put("numContracts", -1),
                o -> o.put("numContracts", "1.5"),
                o -> o.put("numContracts", new java.math.BigDecimal("1.5")),
                o -> o.put("numContracts", "ten"))) {
            assertThat(parseChangedSpread(change).orders()).isEmpty();
        }

        assertThat(rejected("num_contracts")).isEqualTo(5);
        assertThat(parseChangedSpread(o -> o.put("numContracts", TWO_TO_256)).orders())
                .isEmpty();
        assertThat(rejected("out_of_range")).isEqualTo(1);
        // the feed's placeholder and a count a taker filled in are both fine; so is no count at all
        assertThat(parseChangedSpread(o -> o.put("numContracts", "0")).orders()).hasSize(1);
        assertThat(parseChangedSpread(o -> o.put("numContracts", 23724792)).orders())
                .hasSize(1);
        assertThat(parseChangedSpread(o -> o.remove("numContracts")).orders()).hasSize(1);
    }

    @Test
    void shouldLeaveOutZeroStrikesWhateverTheProduct() {
        assertThat(parseChangedSpread(o -> o.putArray("strikes").add(0).add("270000000000"))
                        .orders())
                .isEmpty();
        // RANGER's strike shape is not checked (its payoff is unknown), but a zero strike is still impossible
        assertThat(parseChangedSpread(o -> o.put("implementation", "0x9980ec85bc6fE07340adb36c76FA093bb6D4FcBc")
                                .putArray("strikes")
                                .add("220000000000")
                                .add("0")
                                .add("260000000000")
                                .add("270000000000"))
                        .orders())
                .isEmpty();

        assertThat(rejected("strikes")).isEqualTo(2);
    }

    @Test
    void shouldLeaveOutStrikesThatAreNeitherAscendingNorDescending() {
        ObjectNode feed = feed("orders.puts.json");
        JsonNode fly = feed.get("data").get("orders").get(2).get("order");
        ((ObjectNode) fly)
                .putArray("strikes")
                .add("9500000000000")
                .add("9800000000000")
                .add("9200000000000");

        OrdersFeed parsed = parser.parse(feed.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(parsed.orders()).hasSize(5);
        assertThat(rejected("strikes")).isEqualTo(1);
    }
}
