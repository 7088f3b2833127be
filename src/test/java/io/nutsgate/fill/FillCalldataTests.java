package io.nutsgate.fill;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.orders.LiveOrder;
import io.nutsgate.support.Vectors;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;

/**
 * Compares the calldata byte for byte with ethers' ABI encoder ({@code vectors/calldata.json}, made by
 * {@code src/test/vectors/make-vectors.mjs}), and decodes it back by slicing the ABI words by hand to compare every
 * field with the fixture feed's signed order.
 */
class FillCalldataTests {

    static final String REFERRER = "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d";

    /** fillOrder calldata split into its arguments, as read back from raw ABI words. */
    record DecodedFill(
            String selector,
            String maker,
            BigInteger orderExpiryTimestamp,
            String collateral,
            boolean isCall,
            String priceFeed,
            String implementation,
            boolean isLong,
            BigInteger maxCollateralUsable,
            List<BigInteger> strikes,
            BigInteger expiry,
            BigInteger price,
            BigInteger numContracts,
            String extraOptionData,
            String signature,
            String referrer) {}

    static DecodedFill decodeFill(String calldata) {
        byte[] all = Numeric.hexStringToByteArray(calldata);
        String selector = Numeric.toHexString(Arrays.copyOfRange(all, 0, 4));
        byte[] args = Arrays.copyOfRange(all, 4, all.length);
        int tuple = word(args, 0).intValueExact();
        int signature = word(args, 32).intValueExact();
        String referrer = address(args, 64);
        int strikesAt = tuple + word(args, tuple + 8 * 32).intValueExact();
        int strikeCount = word(args, strikesAt).intValueExact();
        List<BigInteger> strikes = new ArrayList<>();
        for (int i = 0; i < strikeCount; i++) {
            strikes.add(word(args, strikesAt + 32 + 32 * i));
        }
        int extraAt = tuple + word(args, tuple + 12 * 32).intValueExact();
        return new DecodedFill(
                selector,
                address(args, tuple),
                word(args, tuple + 32),
                address(args, tuple + 2 * 32),
                bool(args, tuple + 3 * 32),
                address(args, tuple + 4 * 32),
                address(args, tuple + 5 * 32),
                bool(args, tuple + 6 * 32),
                word(args, tuple + 7 * 32),
                strikes,
                word(args, tuple + 9 * 32),
                word(args, tuple + 10 * 32),
                word(args, tuple + 11 * 32),
                bytes(args, extraAt),
                bytes(args, signature),
                referrer);
    }

    private static BigInteger word(byte[] data, int offset) {
        return new BigInteger(1, Arrays.copyOfRange(data, offset, offset + 32));
    }

    private static String address(byte[] data, int offset) {
        for (int i = offset; i < offset + 12; i++) {
            assertThat(data[i]).as("address padding").isZero();
        }
        return Numeric.toHexString(Arrays.copyOfRange(data, offset + 12, offset + 32));
    }

    private static boolean bool(byte[] data, int offset) {
        BigInteger value = word(data, offset);
        assertThat(value).isIn(BigInteger.ZERO, BigInteger.ONE);
        return value.signum() == 1;
    }

    private static String bytes(byte[] data, int offset) {
        int length = word(data, offset).intValueExact();
        return Numeric.toHexString(Arrays.copyOfRange(data, offset + 32, offset + 32 + length));
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    static void assertMatchesFeedOrder(DecodedFill fill, JsonNode signed, BigInteger numContracts, String referrer) {
        JsonNode o = signed.get("order");
        assertThat(fill.selector()).isEqualTo("0xa4761ec1");
        assertThat(fill.maker()).isEqualTo(lower(o.get("maker").asString()));
        assertThat(fill.orderExpiryTimestamp())
                .isEqualTo(BigInteger.valueOf(o.get("orderExpiryTimestamp").asLong()));
        assertThat(fill.collateral()).isEqualTo(lower(o.get("collateral").asString()));
        assertThat(fill.isCall()).isEqualTo(o.get("isCall").asBoolean());
        assertThat(fill.priceFeed()).isEqualTo(lower(o.get("priceFeed").asString()));
        assertThat(fill.implementation())
                .isEqualTo(lower(o.get("implementation").asString()));
        assertThat(fill.isLong()).isEqualTo(o.get("isLong").asBoolean());
        assertThat(fill.maxCollateralUsable())
                .isEqualTo(new BigInteger(o.get("maxCollateralUsable").asString()));
        List<BigInteger> strikes = new ArrayList<>();
        o.get("strikes").forEach(s -> strikes.add(new BigInteger(s.asString())));
        assertThat(fill.strikes()).isEqualTo(strikes);
        assertThat(fill.expiry()).isEqualTo(BigInteger.valueOf(o.get("expiry").asLong()));
        assertThat(fill.price()).isEqualTo(new BigInteger(o.get("price").asString()));
        assertThat(fill.numContracts()).isEqualTo(numContracts);
        assertThat(fill.extraOptionData()).isEqualTo(o.get("extraOptionData").asString());
        assertThat(fill.signature()).isEqualTo(lower(signed.get("signature").asString()));
        assertThat(fill.referrer()).isEqualTo(referrer);
    }

    @Test
    void shouldEncodeFillOrderWithEverySignedFieldUntouched() {
        for (int i = 0; i < 3; i++) {
            LiveOrder order = FixtureOrders.all().get(i);
            BigInteger n = new BigInteger("23724792").add(BigInteger.valueOf(i));

            String calldata = FillCalldata.fillOrder(order, n, REFERRER);

            assertMatchesFeedOrder(decodeFill(calldata), FixtureOrders.signed(i), n, REFERRER);
        }
    }

    @Test
    void shouldCarryExtraOptionDataBytesThrough() {
        LiveOrder base = FixtureOrders.all().get(0);
        String extra = "0x" + "ab".repeat(33); // longer than one word: padded to two
        LiveOrder order = new LiveOrder(
                base.id(),
                base.deployment(),
                base.optionBook(),
                base.chainId(),
                base.nonce(),
                base.product(),
                base.underlying(),
                base.collateral(),
                base.maker(),
                base.orderExpiryTimestamp(),
                base.isCall(),
                base.priceFeed(),
                base.implementation(),
                base.isLong(),
                base.maxCollateralUsable(),
                base.strikes(),
                base.expiry(),
                base.price(),
                extra,
                base.signature(),
                base.spotPrice(),
                base.greeks(),
                base.rawOrder());

        DecodedFill fill = decodeFill(FillCalldata.fillOrder(order, BigInteger.ONE, REFERRER));

        assertThat(fill.extraOptionData()).isEqualTo(extra);
        assertThat(fill.signature()).isEqualTo(lower(base.signature()));
    }

    @Test
    void shouldEncodeApproveForTheSpenderAndAmount() {
        String data = FillCalldata.approve("0x1bDff855d6811728acaDC00989e79143a2bdfDed", new BigInteger("999999982"));

        assertThat(data).hasSize(2 + 8 + 64 * 2);
        assertThat(data).startsWith("0x095ea7b3");
        byte[] args = Arrays.copyOfRange(Numeric.hexStringToByteArray(data), 4, 68);
        assertThat(address(args, 0)).isEqualTo("0x1bdff855d6811728acadc00989e79143a2bdfded");
        assertThat(word(args, 32)).isEqualTo(new BigInteger("999999982"));
    }

    @Test
    void shouldEncodeFillOrderByteForByteAsEthers() {
        JsonNode vectors = Vectors.load("calldata.json").get("fillOrder");
        assertThat(vectors).hasSize(3);
        for (JsonNode v : vectors) {
            LiveOrder order = FixtureOrders.all().get(v.get("orderIndex").asInt());

            String calldata = FillCalldata.fillOrder(
                    order,
                    new BigInteger(v.get("numContracts").asString()),
                    v.get("referrer").asString());

            assertThat(calldata)
                    .startsWith(v.get("selector").asString())
                    .isEqualTo(v.get("calldata").asString());
        }
    }

    @Test
    void shouldEncodeApproveByteForByteAsEthers() {
        JsonNode vectors = Vectors.load("calldata.json").get("approve");
        assertThat(vectors).hasSize(3);
        for (JsonNode v : vectors) {
            assertThat(FillCalldata.approve(
                            v.get("spender").asString(),
                            new BigInteger(v.get("amount").asString())))
                    .isEqualTo(v.get("calldata").asString());
        }
    }
}
