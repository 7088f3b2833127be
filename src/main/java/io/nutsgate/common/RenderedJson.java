package io.nutsgate.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * A success envelope rendered once and then served as stored bytes: the plain body, its gzip form when
 * worth it, and a strong ETag over the body. Cache hits write these bytes without serialising anything.
 */
public record RenderedJson(byte[] body, byte[] gzipped, String etag) {

    private static final byte[] OPEN = "{\"success\":true,\"data\":".getBytes(StandardCharsets.US_ASCII);
    private static final int GZIP_THRESHOLD = 1024;

    /** Wraps already-serialised {@code data} in the envelope; a stale value also carries its age in seconds. */
    public static RenderedJson of(byte[] data, boolean stale, long ageSeconds) {
        byte[] close = (stale ? ",\"stale\":true,\"ageSeconds\":" + ageSeconds + "}" : "}")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[OPEN.length + data.length + close.length];
        System.arraycopy(OPEN, 0, body, 0, OPEN.length);
        System.arraycopy(data, 0, body, OPEN.length, data.length);
        System.arraycopy(close, 0, body, OPEN.length + data.length, close.length);
        return new RenderedJson(body, body.length >= GZIP_THRESHOLD ? gzip(body) : null, etag(body));
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\""
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(digest)
                            .substring(0, 27) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
