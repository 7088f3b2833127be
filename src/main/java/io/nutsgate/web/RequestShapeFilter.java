package io.nutsgate.web;

import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.RateLimitedLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before anything parses them, what no endpoint takes: multipart and form bodies (415; the server would
 * otherwise read them itself, past the body size limit), a {@code Content-Type} that is a wildcard or not a media
 * type at all (415), and query strings that are not valid percent-encoded
 * UTF-8 (400 naming the parameter). Each refusal is the error envelope and at most one log line a minute.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class RequestShapeFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (contentType != null) {
            String type = contentType.toLowerCase(Locale.ROOT).trim();
            if (!isConcreteMediaType(type)) {
                RateLimitedLog.REJECTED.info("content-type", "refused a wildcard or malformed Content-Type");
                JsonErrors.write(
                        response,
                        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "Content-Type must be a concrete media type; send the body as application/json");
                return;
            }
            if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
                RateLimitedLog.REJECTED.info(
                        "form", "refused a {} body", type.startsWith("multipart/") ? "multipart" : "form");
                JsonErrors.write(
                        response,
                        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "Content-Type " + type.split(";")[0] + " is not accepted; send the body as application/json");
                return;
            }
        }
        String query = request.getQueryString();
        if (query != null) {
            String bad = firstMalformedParameter(query);
            if (bad != null) {
                RateLimitedLog.REJECTED.info("query", "refused a query string that is not percent-encoded UTF-8");
                JsonErrors.write(
                        response,
                        ErrorCode.INVALID_PARAMETER,
                        "query parameter " + bad + " is not valid percent-encoded UTF-8");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private static boolean isConcreteMediaType(String type) {
        try {
            MediaType parsed = MediaType.parseMediaType(type);
            return !parsed.isWildcardType() && !parsed.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** The name of the first parameter whose name or value does not decode, as far as it can be shown; or null. */
    static String firstMalformedParameter(String query) {
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = decode(rawName);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (name == null || value == null) {
                return printable(name != null ? name : rawName);
            }
        }
        return null;
    }

    /** Strict application/x-www-form-urlencoded decoding: null on a bad escape or bytes that are not UTF-8. */
    static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c > 0x7f) {
                return null;
            } else {
                bytes.write(c == '+' ? ' ' : c);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String printable(String name) {
        String shown = name.replaceAll("[^\\x21-\\x7e]", "?");
        return shown.length() > 40 ? shown.substring(0, 40) + "…" : shown.isEmpty() ? "(unnamed)" : shown;
    }
}
