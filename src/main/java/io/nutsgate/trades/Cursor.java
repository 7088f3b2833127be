package io.nutsgate.trades;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The keyset position of the last trade on a page: (created_at, id), sent to clients as an opaque string. */
record Cursor(Instant createdAt, long id) {

    private static final Pattern FORM = Pattern.compile("^v1:(-?[0-9]{1,19}):([0-9]{1,19})$");

    String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("v1:" + micros + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** Null for a null or blank cursor; {@code INVALID_PARAMETER} for one this service did not hand out. */
    static Cursor decode(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            if (value.length() > 64) {
                throw new IllegalArgumentException("too long");
            }
            String text = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.US_ASCII);
            Matcher m = FORM.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("unknown form");
            }
            return new Cursor(
                    Instant.EPOCH.plus(Long.parseLong(m.group(1)), ChronoUnit.MICROS), Long.parseLong(m.group(2)));
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            throw new ApiException(
                    ErrorCode.INVALID_PARAMETER, "cursor is not one this service returned as nextCursor");
        }
    }
}
