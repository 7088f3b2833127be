package io.nutsgate.common;

import java.util.Locale;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;

/**
 * Ethereum addresses: accepted in any case (0x and 40 hex digits), compared in lower case, and answered EIP-55
 * checksummed ({@link #checksum}, or {@link Checksummed} on a response field).
 */
public final class Addresses {

    private static final Pattern ADDRESS = Pattern.compile("^0x[0-9a-fA-F]{40}$");

    private Addresses() {}

    public static boolean isValid(String value) {
        return value != null && ADDRESS.matcher(value).matches();
    }

    /** The lower-case form of a valid address, or a 400 {@code INVALID_ADDRESS}. */
    public static String require(String value, String field) {
        if (!isValid(value)) {
            throw new ApiException(
                    ErrorCode.INVALID_ADDRESS,
                    field + " must be a 0x-prefixed 20-byte hex address (40 hex digits, any case)");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /**
     * The EIP-55 mixed-case form of an address in any case (web3j {@code Keys.toChecksumAddress}); null stays
     * null, and anything that is not an address is returned unchanged.
     */
    public static String checksum(String value) {
        return isValid(value) ? Keys.toChecksumAddress(value) : value;
    }

    public static boolean same(String a, String b) {
        return a != null && a.equalsIgnoreCase(b);
    }

    /** Writes an address in its EIP-55 form; used through {@link Checksummed}. */
    public static final class ChecksumSerializer extends ValueSerializer<String> {
        @Override
        public void serialize(String value, JsonGenerator gen, SerializationContext context) {
            gen.writeString(checksum(value));
        }
    }
}
