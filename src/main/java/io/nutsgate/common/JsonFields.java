package io.nutsgate.common;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reading upstream JSON defensively: integers arrive as numbers or as numeric strings (REFERENCE App. A);
 * anything else yields empty so the caller can reject the record with a reason.
 */
public final class JsonFields {

    private static final Pattern INTEGER = Pattern.compile("^-?\\d{1,80}$");
    private static final Pattern HEX = Pattern.compile("^0x([0-9a-fA-F]{2})*$");

    private JsonFields() {}

    /** A uint256: a non-negative integer up to 2^256−1 given as a JSON integer or a decimal-digit string. */
    public static Optional<BigInteger> unsigned(JsonNode node) {
        return integer(node).filter(v -> v.signum() >= 0 && v.bitLength() <= 256);
    }

    /**
     * Any integer, negative or beyond uint256 included, given as a JSON integer or a decimal-digit string (at most
     * 80 digits); empty for anything else. Lets a caller tell a value out of range from one that is not a number.
     */
    public static Optional<BigInteger> integer(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber()) {
            return Optional.of(node.bigIntegerValue());
        }
        if (node.isString() && INTEGER.matcher(node.asString()).matches()) {
            return Optional.of(new BigInteger(node.asString()));
        }
        return Optional.empty();
    }

    /** A unix-seconds timestamp that fits a long. */
    public static Optional<Long> seconds(JsonNode node) {
        return unsigned(node).filter(v -> v.bitLength() < 63).map(BigInteger::longValueExact);
    }

    public static Optional<String> text(JsonNode node) {
        return node != null && node.isString() ? Optional.of(node.asString()) : Optional.empty();
    }

    public static Optional<String> address(JsonNode node) {
        return text(node).filter(Addresses::isValid);
    }

    public static Optional<Boolean> bool(JsonNode node) {
        return node != null && node.isBoolean() ? Optional.of(node.booleanValue()) : Optional.empty();
    }

    /** 0x-prefixed hex of whole bytes ("0x" alone is the empty byte string). */
    public static Optional<String> hex(JsonNode node) {
        return text(node).filter(s -> HEX.matcher(s).matches());
    }
}
