package io.nutsgate.common;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Conversions between on-chain integers and the decimal strings shown at the API's edges. Amounts stay
 * {@link BigInteger} inside; a decimal string is only ever produced or parsed here.
 */
public final class Decimals {

    private Decimals() {}

    /** {@code 1234567, 6} → {@code "1.234567"}; trailing zeros dropped, never exponent notation. */
    public static String format(BigInteger raw, int decimals) {
        BigDecimal value = new BigDecimal(raw, decimals).stripTrailingZeros();
        if (value.scale() < 0) {
            value = value.setScale(0);
        }
        return value.toPlainString();
    }

    /**
     * {@code "2.5", 6} → {@code 2500000}. More fraction digits than {@code decimals}, a sign, an exponent or
     * anything but digits and one dot: {@code INVALID_AMOUNT} (never rounded silently).
     */
    public static BigInteger parse(String text, int decimals, String field) {
        if (text == null || !text.matches("\\d{1,60}(\\.\\d{1,60})?")) {
            throw new ApiException(
                    ErrorCode.INVALID_AMOUNT, field + " must be a non-negative decimal string such as \"2.5\"");
        }
        BigDecimal value = new BigDecimal(text);
        if (value.stripTrailingZeros().scale() > decimals) {
            throw new ApiException(
                    ErrorCode.INVALID_AMOUNT, field + " has more than " + decimals + " decimals: " + text);
        }
        return value.movePointRight(decimals).toBigIntegerExact();
    }
}
