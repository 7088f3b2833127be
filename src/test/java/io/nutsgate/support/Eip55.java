package io.nutsgate.support;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.bouncycastle.jcajce.provider.digest.Keccak;

/**
 * An EIP-55 check written from the EIP's own description, independent of the code under test: hex digit i of the
 * address is upper case exactly when nibble i of keccak-256(lower-case hex, as ASCII) is 8 or more. Checked
 * against the EIP's test vectors in {@code AddressesTests}.
 */
public final class Eip55 {

    private Eip55() {}

    /** Asserts {@code actual} is {@code expected} (any case) written EIP-55 checksummed. */
    public static void assertChecksummed(String actual, String expected) {
        if (actual == null || !actual.equalsIgnoreCase(expected) || !isChecksummed(actual)) {
            throw new AssertionError("expected " + expected + " EIP-55 checksummed, got " + actual);
        }
    }

    /** True when {@code address} is 0x + 40 hex digits whose letters are cased as EIP-55 requires. */
    public static boolean isChecksummed(String address) {
        if (address == null || !address.matches("^0x[0-9a-fA-F]{40}$")) {
            return false;
        }
        String hex = address.substring(2);
        Keccak.Digest256 keccak = new Keccak.Digest256();
        byte[] hash = keccak.digest(hex.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 40; i++) {
            char c = hex.charAt(i);
            if (Character.isDigit(c)) {
                continue;
            }
            int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0x0f;
            boolean upper = Character.isUpperCase(c);
            if (upper != (nibble >= 8)) {
                return false;
            }
        }
        return true;
    }
}
