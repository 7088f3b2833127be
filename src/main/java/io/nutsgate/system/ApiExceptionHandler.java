package io.nutsgate.system;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ApiResponse;
import io.nutsgate.common.ErrorCode;
import jakarta.validation.ConstraintViolationException;
import java.net.SocketTimeoutException;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Maps every failure to the one error envelope; nothing reaches the client as a stack trace. */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiResponse<Void>> api(ApiException e) {
        if (e instanceof RateLimiter.RateLimitedException limited) {
            return ResponseEntity.status(e.code().status())
                    .contentType(MediaType.APPLICATION_JSON)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(limited.retryAfterSeconds()))
                    .body(ApiResponse.error(e.code(), e.getMessage()));
        }
        return respond(e.code(), e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiResponse<Void>> unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodySizeLimitFilter.BodyTooLargeException tooLarge) {
                return respond(ErrorCode.INVALID_BODY, tooLarge.getMessage());
            }
            if (t instanceof BodySizeLimitFilter.BodyTimeoutException timeout) {
                RateLimitedLog.REJECTED.info("timeout", "a request body trickled in past the body timeout");
                return respond(ErrorCode.REQUEST_TIMEOUT, timeout.getMessage());
            }
            if (t instanceof SocketTimeoutException) {
                RateLimitedLog.REJECTED.info("timeout", "a request body stalled past the read timeout");
                return respond(
                        ErrorCode.REQUEST_TIMEOUT,
                        "the request body stalled (NUTS_HTTP_READ_TIMEOUT); send the whole body at once");
            }
            if (t instanceof ApiException api) {
                return respond(api.code(), api.getMessage());
            }
        }
        return respond(ErrorCode.INVALID_BODY, "request body is missing or is not valid JSON of the expected shape");
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ApiResponse<Void>> invalid(MethodArgumentNotValidException e) {
        String detail = e.getBindingResult().getFieldErrors().stream()
                .map(f -> f.getField() + ": " + f.getDefaultMessage())
                .sorted()
                .collect(Collectors.joining("; "));
        return respond(ErrorCode.INVALID_BODY, detail.isEmpty() ? "invalid request body" : detail);
    }

    @ExceptionHandler({
        HandlerMethodValidationException.class,
        ConstraintViolationException.class,
        MissingServletRequestParameterException.class,
        MethodArgumentTypeMismatchException.class
    })
    ResponseEntity<ApiResponse<Void>> badParameter(Exception e) {
        String message = e instanceof MethodArgumentTypeMismatchException m
                ? "parameter " + m.getName() + " has an invalid value"
                : e instanceof MissingServletRequestParameterException m
                        ? "parameter " + m.getParameterName() + " is required"
                        : "invalid request parameters";
        return respond(ErrorCode.INVALID_PARAMETER, message);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiResponse<Void>> notFound(NoResourceFoundException e) {
        return respond(ErrorCode.NOT_FOUND, "no such endpoint: /" + e.getResourcePath());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiResponse<Void>> method(HttpRequestMethodNotSupportedException e) {
        HttpHeaders headers = new HttpHeaders();
        if (e.getSupportedHttpMethods() != null) {
            headers.setAllow(e.getSupportedHttpMethods());
        }
        return ResponseEntity.status(ErrorCode.METHOD_NOT_ALLOWED.status())
                .headers(headers)
                .contentType(MediaType.APPLICATION_JSON)
                .body(ApiResponse.error(
                        ErrorCode.METHOD_NOT_ALLOWED, "method " + e.getMethod() + " is not allowed here"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiResponse<Void>> mediaType(HttpMediaTypeNotSupportedException e) {
        return respond(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type: send the body as application/json");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ApiResponse<Void>> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return respond(ErrorCode.NOT_ACCEPTABLE, "Accept: this endpoint answers application/json only");
    }

    /** Tomcat's own query parsing (e.g. more parameters than it allows); bad escapes are refused earlier. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ApiResponse<Void>> invalidQuery(InvalidParameterException e) {
        RateLimitedLog.REJECTED.info("query", "refused a query string Tomcat could not parse");
        return respond(ErrorCode.INVALID_PARAMETER, "query string: too many or malformed parameters");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiResponse<Void>> unexpected(Exception e) {
        log.error("unhandled error", e);
        return respond(ErrorCode.INTERNAL_ERROR, "internal error; quote the X-Request-Id when reporting it");
    }

    /** Always JSON: an error answer is the envelope whatever the request's {@code Accept} asked for. */
    static ResponseEntity<ApiResponse<Void>> respond(ErrorCode code, String message) {
        return ResponseEntity.status(code.status())
                .contentType(MediaType.APPLICATION_JSON)
                .body(ApiResponse.error(code, message));
    }
}
