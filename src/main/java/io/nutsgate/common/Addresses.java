package io.nutsgate.common;

import java.util.Locale;
import java.util.regex.Pattern;

/** Ethereum addresses as the API accepts them: 0x and 40 hex digits, compared in lower case. */
public final class Addresses {

    private static final Pattern ADDRESS = Pattern.compile("^0x[0-9a-fA-F]{40}$");

    private Addresses() {}

    public static boolean isValid(String value) {
        return value != null && ADDRESS.matcher(value).matches();
    }

    /** The lower-case form of a valid address, or a 400 {@code INVALID_ADDRESS}. */
    public static String require(String value, String field) {
        if (!isValid(value)) {
            throw new ApiException(ErrorCode.INVALID_ADDRESS, field + " must be a 0x-prefixed 20-byte hex address");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** The EIP-55 checksummed form of an address (null stays null). */
    public static String checksum(String address) {
        return address == null ? null : org.web3j.crypto.Keys.toChecksumAddress(address.toLowerCase(Locale.ROOT));
    }

    public static boolean same(String a, String b) {
        return a != null && a.equalsIgnoreCase(b);
    }
}
