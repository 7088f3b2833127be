package io.nutsgate.system;

import io.nutsgate.common.ErrorCode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes the error envelope from filters, which run before Spring MVC's message converters. */
public final class JsonErrors {

    private JsonErrors() {}

    public static void write(HttpServletResponse response, ErrorCode code, String message) throws IOException {
        response.setStatus(code.status().value());
        response.setContentType("application/json");
        byte[] body = ("{\"success\":false,\"error\":{\"code\":\"" + code.name() + "\",\"message\":\""
                        + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
