package io.nutsgate.web;

import io.nutsgate.common.ErrorCode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes the error envelope from filters, valves and the error page, which run outside Spring MVC's converters. */
public final class JsonErrors {

    private JsonErrors() {}

    public static void write(HttpServletResponse response, ErrorCode code, String message) throws IOException {
        write(response, code.status().value(), code, message);
    }

    /** The envelope with {@code status}, for the few answers whose status is not the code's own. */
    static void write(HttpServletResponse response, int status, ErrorCode code, String message) throws IOException {
        byte[] body = body(code, message);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The error code of a status the container or a filter set, for answers that carry only a status. */
    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 400 -> ErrorCode.INVALID_REQUEST;
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.CORS_REJECTED;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 408 -> ErrorCode.REQUEST_TIMEOUT;
            case 413 -> ErrorCode.INVALID_BODY;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            default -> status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL_ERROR;
        };
    }

    static byte[] body(ErrorCode code, String message) {
        return ("{\"success\":false,\"error\":{\"code\":\"" + code.name() + "\",\"message\":\"" + escape(message)
                        + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** JSON string escaping; messages may quote what a client sent. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
