package io.nutsgate.web;

import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.RateLimitedLog;
import io.nutsgate.settings.NutsProperties;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The error page the servlet container forwards to when a request failed outside Spring MVC (a body read that
 * timed out, an exception in a filter): the error envelope instead of Spring Boot's default body, whatever the
 * {@code Accept} header says.
 */
@Controller
class ErrorPageController implements ErrorController {

    private final NutsProperties properties;

    ErrorPageController(NutsProperties properties) {
        this.properties = properties;
    }

    @RequestMapping("/error")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object attribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = attribute instanceof Integer code ? code : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        if (status < 400) {
            status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        }
        ErrorCode code = JsonErrors.codeFor(status);
        String path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri ? uri : "";
        if (status == HttpServletResponse.SC_REQUEST_TIMEOUT) {
            RateLimitedLog.REJECTED.info("timeout", "request to {} timed out while its body was read", path);
        }
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        JsonErrors.write(response, status, code, messageFor(code, status, path));
    }

    private String messageFor(ErrorCode code, int status, String path) {
        return switch (code) {
            case REQUEST_TIMEOUT ->
                "the request body was not received within "
                        + properties.http().readTimeout().toSeconds()
                        + " s (NUTS_HTTP_READ_TIMEOUT); send the whole body at once";
            case NOT_FOUND -> "no such endpoint: " + path;
            case INVALID_BODY -> "request body too large";
            case INTERNAL_ERROR -> "internal error; quote the X-Request-Id when reporting it";
            default -> "request refused (HTTP " + status + ")";
        };
    }
}
