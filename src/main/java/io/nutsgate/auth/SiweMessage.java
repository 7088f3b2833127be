package io.nutsgate.auth;

import io.nutsgate.common.Addresses;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;

/**
 * An EIP-4361 (Sign-In with Ethereum) message, parsed strictly in the order the ABNF gives: header, address,
 * optional statement, then {@code URI}, {@code Version}, {@code Chain ID}, {@code Nonce}, {@code Issued At} and the
 * optional {@code Expiration Time}, {@code Not Before}, {@code Request ID} and {@code Resources}. Anything else is
 * {@code SIWE_MALFORMED}.
 */
record SiweMessage(
        String scheme,
        String domain,
        String address,
        String statement,
        String uri,
        String version,
        long chainId,
        String nonce,
        Instant issuedAt,
        Instant expirationTime,
        Instant notBefore,
        String requestId,
        List<String> resources) {

    static final int MAX_LENGTH = 4096;

    private static final Pattern HEADER = Pattern.compile(
            "^(?:([a-zA-Z][a-zA-Z0-9+.-]*)://)?([^\\s/?#]+) wants you to sign in with your Ethereum account:$");
    private static final Pattern NONCE = Pattern.compile("^[A-Za-z0-9]{8,64}$");
    private static final Pattern CHAIN_ID = Pattern.compile("^[0-9]{1,18}$");

    /** The lower-case form of {@link #address()}. */
    String addressLowerCase() {
        return address.toLowerCase(Locale.ROOT);
    }

    static SiweMessage parse(String text) {
        if (text == null || text.isEmpty()) {
            throw malformed("message is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw malformed("message is longer than " + MAX_LENGTH + " characters");
        }
        if (text.indexOf('\r') >= 0) {
            throw malformed("lines must end with \\n only");
        }
        Lines lines = new Lines(text.split("\n", -1));

        Matcher header = HEADER.matcher(lines.next("header"));
        if (!header.matches()) {
            throw malformed("first line must be \"<domain> wants you to sign in with your Ethereum account:\"");
        }
        String address = lines.next("address");
        if (!Addresses.isValid(address)) {
            throw malformed("second line must be a 0x-prefixed 20-byte address");
        }
        if (!isChecksumAcceptable(address)) {
            throw malformed("address has mixed case but is not a valid EIP-55 checksum");
        }
        lines.expectBlank();
        String statement = null;
        if (!lines.hasField("URI")) {
            // Older encoders leave out the second blank line when there is no statement; accept both forms.
            String line = lines.next("URI");
            if (!line.isEmpty()) {
                statement = line;
                lines.expectBlank();
            }
        }
        String uri = lines.field("URI");
        String version = lines.field("Version");
        if (!"1".equals(version)) {
            throw malformed("Version must be 1");
        }
        String chain = lines.field("Chain ID");
        if (!CHAIN_ID.matcher(chain).matches()) {
            throw malformed("Chain ID must be a decimal number");
        }
        String nonce = lines.field("Nonce");
        if (!NONCE.matcher(nonce).matches()) {
            throw malformed("Nonce must be 8 to 64 letters and digits");
        }
        Instant issuedAt = time("Issued At", lines.field("Issued At"));
        Instant expirationTime =
                lines.hasField("Expiration Time") ? time("Expiration Time", lines.field("Expiration Time")) : null;
        Instant notBefore = lines.hasField("Not Before") ? time("Not Before", lines.field("Not Before")) : null;
        String requestId = lines.hasField("Request ID") ? lines.field("Request ID") : null;
        List<String> resources = new ArrayList<>();
        if (lines.hasMore() && lines.peek().equals("Resources:")) {
            lines.next("Resources");
            while (lines.hasMore() && lines.peek().startsWith("- ")) {
                resources.add(lines.next("resource").substring(2));
            }
        }
        if (lines.hasMore()) {
            throw malformed("unexpected line: \"" + abbreviate(lines.peek()) + "\"");
        }
        return new SiweMessage(
                header.group(1),
                header.group(2),
                address,
                statement,
                uri,
                version,
                Long.parseLong(chain),
                nonce,
                issuedAt,
                expirationTime,
                notBefore,
                requestId,
                List.copyOf(resources));
    }

    /** All lower case, all upper case, or a correct EIP-55 checksum. */
    private static boolean isChecksumAcceptable(String address) {
        String hex = address.substring(2);
        if (hex.equals(hex.toLowerCase(Locale.ROOT)) || hex.equals(hex.toUpperCase(Locale.ROOT))) {
            return true;
        }
        return Keys.toChecksumAddress(address.toLowerCase(Locale.ROOT)).equals(address);
    }

    private static Instant time(String field, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw malformed(field + " must be an RFC 3339 date-time such as 2026-06-03T10:00:00Z");
        }
    }

    private static ApiException malformed(String detail) {
        return new ApiException(ErrorCode.SIWE_MALFORMED, "not an EIP-4361 message: " + detail);
    }

    private static String abbreviate(String line) {
        return line.length() <= 40 ? line : line.substring(0, 40) + "…";
    }

    private static final class Lines {
        private final String[] lines;
        private int next;

        Lines(String[] lines) {
            this.lines = lines;
        }

        boolean hasMore() {
            return next < lines.length;
        }

        String peek() {
            return lines[next];
        }

        String next(String what) {
            if (!hasMore()) {
                throw malformed("ends before " + what);
            }
            return lines[next++];
        }

        void expectBlank() {
            if (!next("blank line").isEmpty()) {
                throw malformed("expected a blank line at line " + next);
            }
        }

        boolean hasField(String name) {
            return hasMore() && lines[next].startsWith(name + ": ");
        }

        String field(String name) {
            if (!hasField(name)) {
                throw malformed("expected \"" + name + ": …\" at line " + (next + 1));
            }
            String value = lines[next++].substring(name.length() + 2);
            if (value.isBlank()) {
                throw malformed(name + " is empty");
            }
            return value;
        }
    }
}
