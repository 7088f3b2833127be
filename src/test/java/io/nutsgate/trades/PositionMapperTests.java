package io.nutsgate.trades;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.optionmath.Side;
import io.nutsgate.support.FixtureUpstream;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class PositionMapperTests {

    static final String REFERRER = "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d";
    static final String USER = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";
    static final String MAKER = "0x3f1c2b9a7d0e4c5b8a6f9e1d2c3b4a5968778695";
    static final Instant NOW = Instant.ofEpochSecond(1780480800L);
    static final JsonMapper json = JsonMapper.builder().build();

    static List<ObjectNode> fixture(String name) {
        List<ObjectNode> positions = new ArrayList<>();
        json.readTree(FixtureUpstream.fixture(name)).get("data").forEach(p -> positions.add((ObjectNode) p));
        return positions;
    }

    static Trade only(JsonNode position, String wallet) {
        List<Trade> trades = PositionMapper.toTrades(position, wallet, REFERRER, NOW);
        assertThat(trades).hasSize(1);
        return trades.getFirst();
    }

    @Test
    void shouldKeepOnlyFillsMadeWithOurReferrer() {
        List<Trade> trades = new ArrayList<>();
        for (String name : List.of("positions.json", "history.json")) {
            fixture(name).forEach(p -> trades.addAll(PositionMapper.toTrades(p, USER, REFERRER, NOW)));
        }

        assertThat(trades).hasSize(6);
        assertThat(trades).allSatisfy(f -> assertThat(f.referrer()).isEqualTo(REFERRER));
        assertThat(trades).noneMatch(f -> f.entryTxHash().startsWith("0xabab"));
    }

    @Test
    void shouldReadAnOpenBuyerFillWithAmountsAsIntegers() {
        Trade fill = only(fixture("positions.json").get(0), USER);

        assertThat(fill.status()).isEqualTo(TradeStatus.OPEN);
        assertThat(fill.side()).isEqualTo(Side.BUYER);
        assertThat(fill.optionAddress()).isEqualTo("0xf7cd8539121aececfa63c6ca40dcc6da770ae954");
        assertThat(fill.product()).isEqualTo("CALL_SPREAD");
        assertThat(fill.isCall()).isTrue();
        assertThat(fill.underlying()).isEqualTo("ETH");
        assertThat(fill.strikes()).containsExactly(new BigInteger("250000000000"), new BigInteger("270000000000"));
        assertThat(fill.collateralToken()).isEqualTo("0x833589fcd6edb6e08f4c7c32d4f71b54bda02913");
        assertThat(fill.collateralDecimals()).isEqualTo(6);
        assertThat(fill.premium()).isEqualTo(new BigInteger("999999982"));
        assertThat(fill.fee()).isEqualTo(new BigInteger("34880711"));
        assertThat(fill.contracts()).isEqualTo(new BigInteger("23724792"));
        assertThat(fill.collateral()).isEqualTo(new BigInteger("4744958400"));
        assertThat(fill.payout()).isNull();
        assertThat(fill.pnl()).isNull();
        assertThat(fill.settledAt()).isNull();
        assertThat(fill.createdAt()).isEqualTo(Instant.ofEpochSecond(1780459531L));
    }

    @Test
    void shouldComputeBuyerPnlAsPayoutMinusPremium() {
        List<ObjectNode> history = fixture("history.json");

        Trade itm = only(history.get(0), USER);
        Trade otm = only(history.get(1), USER);
        Trade inverse = only(history.get(2), USER);

        assertThat(itm.status()).isEqualTo(TradeStatus.SETTLED);
        assertThat(itm.payout()).isEqualTo(new BigInteger("896210000"));
        assertThat(itm.pnl()).isEqualTo(new BigInteger("610235000"));
        assertThat(itm.settlementPrice()).isEqualTo(new BigInteger("234218000000"));
        assertThat(itm.settledAt()).isEqualTo(Instant.ofEpochSecond(1779437113L));
        assertThat(itm.isCall()).isFalse();
        assertThat(otm.payout()).isZero();
        assertThat(otm.pnl()).isEqualTo(new BigInteger("-30640000"));
        assertThat(inverse.collateralDecimals()).isEqualTo(18);
        assertThat(inverse.pnl()).isEqualTo(new BigInteger("21022727272727272"));
    }

    @Test
    void shouldComputeSellerPnlAsPremiumLessFeeLessCollateralLost() {
        Trade seller = only(fixture("history.json").get(0), MAKER);

        assertThat(seller.side()).isEqualTo(Side.SELLER);
        // 285975000 − 22181616 − (1550000000 − 653790000)
        assertThat(seller.pnl()).isEqualTo(new BigInteger("-632416616"));
    }

    @Test
    void shouldIgnoreAPositionTheWalletIsNotPartyTo() {
        assertThat(PositionMapper.toTrades(fixture("positions.json").get(0), "0x" + "1".repeat(40), REFERRER, NOW))
                .isEmpty();
    }

    @Test
    void shouldMarkExplicitCloseAsClosedWithTheCollateralBackToTheSeller() {
        ObjectNode position = fixture("positions.json").get(0);
        position.put("explicitClose", true);

        Trade buyer = only(position, USER);
        Trade seller = only(position, MAKER);

        assertThat(buyer.status()).isEqualTo(TradeStatus.CLOSED);
        assertThat(buyer.payout()).isZero();
        assertThat(buyer.pnl()).isEqualTo(new BigInteger("-999999982"));
        assertThat(seller.pnl()).isEqualTo(new BigInteger("999999982").subtract(new BigInteger("34880711")));
        assertThat(buyer.settledAt()).isEqualTo(NOW);
    }

    @Test
    void shouldMarkAnExpiredUnsettledPositionExpired() {
        ObjectNode awaiting = fixture("positions.json").get(0);
        awaiting.put("optionStatus", "expired-awaiting-settlement");
        ObjectNode pastExpiry = fixture("positions.json").get(1);

        assertThat(only(awaiting, USER).status()).isEqualTo(TradeStatus.EXPIRED);
        assertThat(PositionMapper.toTrades(pastExpiry, USER, REFERRER, Instant.ofEpochSecond(1780646400L))
                        .getFirst()
                        .status())
                .isEqualTo(TradeStatus.EXPIRED);
        assertThat(only(awaiting, USER).pnl()).isNull();
    }

    @Test
    void shouldNotSettleOnAnOracleFailure() {
        ObjectNode position = fixture("history.json").get(0);
        position.put("status", "open");
        ((ObjectNode) position.get("settlement")).put("oracleFailure", true);

        Trade fill = only(position, USER);

        assertThat(fill.status()).isEqualTo(TradeStatus.EXPIRED);
        assertThat(fill.payout()).isNull();
    }

    @Test
    void shouldMapOldButterflyNamesAndLeaveUnknownProductsWithoutCallFlag() {
        ObjectNode fly = fixture("positions.json").get(1);
        fly.put("implementationName", "PUT_FLYS");
        ObjectNode unnamed = fixture("positions.json").get(2);
        unnamed.remove("implementationName");

        assertThat(only(fly, USER).product()).isEqualTo("PUT_FLY");
        assertThat(only(fly, USER).isCall()).isFalse();
        assertThat(only(unnamed, USER).product()).isNull();
        assertThat(only(unnamed, USER).isCall()).isNull();
    }

    @Test
    void shouldAcceptAmountsAsJsonIntegers() {
        ObjectNode position = fixture("positions.json").get(0);
        position.put("entryPremium", 999999982L);

        assertThat(only(position, USER).premium()).isEqualTo(new BigInteger("999999982"));
    }

    @Test
    void shouldRejectUnreadablePositions() {
        ObjectNode negative = fixture("positions.json").get(0);
        negative.put("entryPremium", "-5");
        ObjectNode fraction = fixture("positions.json").get(0);
        fraction.put("numContracts", "1.5");
        ObjectNode badHash = fixture("positions.json").get(0);
        badHash.put("entryTxHash", "0x1234");
        ObjectNode noStrikes = fixture("positions.json").get(0);
        noStrikes.putArray("strikes");

        for (ObjectNode position : List.of(negative, fraction, badHash, noStrikes)) {
            assertThatThrownBy(() -> PositionMapper.toTrades(position, USER, REFERRER, NOW))
                    .isInstanceOf(PositionMapper.InvalidPositionException.class);
        }
        assertThat(PositionMapper.toTrades(json.readTree("{\"referrer\":\"" + REFERRER + "\"}"), USER, REFERRER, NOW))
                .isEmpty();
    }

    @Test
    void shouldKeepBothSidesWhenTheWalletIsBuyerAndSellerOfOneFill() {
        ObjectNode selfTrade = fixture("history.json").get(0);
        selfTrade.put("seller", USER);

        List<Trade> trades = PositionMapper.toTrades(selfTrade, USER, REFERRER, NOW);

        assertThat(trades).extracting(Trade::side).containsExactly(Side.BUYER, Side.SELLER);
        assertThat(trades).extracting(Trade::key).doesNotHaveDuplicates();
        // buyer: 896210000 − 285975000; seller: 285975000 − 22181616 − (1550000000 − 653790000)
        assertThat(trades)
                .extracting(Trade::pnl)
                .containsExactly(new BigInteger("610235000"), new BigInteger("-632416616"));
    }

    @Test
    void shouldKeepDescendingPutStrikesAsTheIndexerSentThem() {
        ObjectNode putSpread = fixture("history.json").get(0);
        putSpread.putArray("strikes").add("240000000000").add("230000000000");

        assertThat(only(putSpread, USER).strikes())
                .containsExactly(new BigInteger("240000000000"), new BigInteger("230000000000"));
    }
}
