package io.nutsgate.web;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ApiResponse;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.RateLimitedLog;
import io.nutsgate.ratelimit.RateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.net.SocketTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/** Maps every failure to the one error envelope; nothing reaches the client as a stack trace. */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    private final Endpoints endpoints;

    ApiExceptionHandler(
            @Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.endpoints = new Endpoints(mappings);
    }

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
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DatabindException bad && !bad.getPath().isEmpty()) {
                return respond(
                        ErrorCode.INVALID_BODY,
                        "body field " + path(bad.getPath()) + " has the wrong type or form for this request");
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
        String message =
                switch (e) {
                    case MethodArgumentTypeMismatchException m ->
                        "parameter " + m.getName() + " must be "
                                + (m.getRequiredType() == null
                                        ? "of another form"
                                        : Number.class.isAssignableFrom(m.getRequiredType())
                                                        || m.getRequiredType().isPrimitive()
                                                ? "an integer"
                                                : "a " + m.getRequiredType().getSimpleName())
                                + "; got " + m.getValue();
                    case MissingServletRequestParameterException m ->
                        "parameter " + m.getParameterName() + " is required";
                    case HandlerMethodValidationException m ->
                        m.getParameterValidationResults().stream()
                                .flatMap(r -> r.getResolvableErrors().stream()
                                        .map(error -> "parameter "
                                                + r.getMethodParameter().getParameterName() + " "
                                                + error.getDefaultMessage()))
                                .sorted()
                                .collect(Collectors.joining("; "));
                    case ConstraintViolationException m ->
                        m.getConstraintViolations().stream()
                                .map(v -> "parameter "
                                        + lastNode(v.getPropertyPath().toString()) + " " + v.getMessage())
                                .sorted()
                                .collect(Collectors.joining("; "));
                    default -> "invalid request parameters";
                };
        return respond(ErrorCode.INVALID_PARAMETER, message.isEmpty() ? "invalid request parameters" : message);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiResponse<Void>> notFound(NoResourceFoundException e, HttpServletRequest request) {
        return respond(ErrorCode.NOT_FOUND, endpoints.notFoundMessage(request.getMethod(), request.getRequestURI()));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiResponse<Void>> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        if (!endpoints.exists(request.getRequestURI())) {
            // e.g. POST to a path nothing maps: the static-resource fallback refuses the method, but the path is
            // what is wrong
            return respond(
                    ErrorCode.NOT_FOUND, endpoints.notFoundMessage(request.getMethod(), request.getRequestURI()));
        }
        HttpHeaders headers = new HttpHeaders();
        if (e.getSupportedHttpMethods() != null) {
            headers.setAllow(e.getSupportedHttpMethods());
        }
        return ResponseEntity.status(ErrorCode.METHOD_NOT_ALLOWED.status())
                .headers(headers)
                .contentType(MediaType.APPLICATION_JSON)
                .body(ApiResponse.error(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        "method " + e.getMethod() + " is not allowed on " + request.getRequestURI()
                                + (e.getSupportedHttpMethods() == null
                                        ? ""
                                        : "; allowed: "
                                                + e.getSupportedHttpMethods().stream()
                                                        .map(Object::toString)
                                                        .sorted()
                                                        .collect(Collectors.joining(", ")))));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiResponse<Void>> mediaType(HttpMediaTypeNotSupportedException e) {
        return respond(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "header Content-Type must be application/json");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ApiResponse<Void>> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return respond(ErrorCode.NOT_ACCEPTABLE, "header Accept must allow application/json, the only type answered");
    }

    /** Tomcat's own query parsing (e.g. more parameters than it allows); bad escapes are refused earlier. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ApiResponse<Void>> invalidQuery(InvalidParameterException e) {
        RateLimitedLog.REJECTED.info("query", "refused a query string Tomcat could not parse");
        return respond(ErrorCode.INVALID_PARAMETER, "query string: too many or malformed parameters");
    }

    /** No connection to PostgreSQL within the pool's short wait, or a connection lost mid-query. */
    @ExceptionHandler({
        DataAccessResourceFailureException.class,
        TransientDataAccessResourceException.class,
        CannotCreateTransactionException.class,
        SQLTransientConnectionException.class
    })
    ResponseEntity<ApiResponse<Void>> databaseUnavailable(Exception e) {
        log.warn("database unavailable: {}", e.getMessage());
        return respond(ErrorCode.DATABASE_UNAVAILABLE, "the database is unavailable; try again shortly");
    }

    /**
     * The client went away while its answer was being written (a closed tab, a load balancer's timeout, a benchmark
     * that stopped): nothing is left to answer and nothing is wrong here, so no error log with a stack trace.
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone(AsyncRequestNotUsableException e) {
        log.debug("client closed the connection before its answer was written: {}", e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiResponse<Void>> unexpected(Exception e) {
        log.error("unhandled error", e);
        return respond(ErrorCode.INTERNAL_ERROR, "internal error; quote the X-Request-Id when reporting it");
    }

    /** {@code order.strikes[1]} for the path Jackson reports. */
    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : references) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(root)" : path.toString();
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }

    /** Always JSON: an error answer is the envelope whatever the request's {@code Accept} asked for. */
    static ResponseEntity<ApiResponse<Void>> respond(ErrorCode code, String message) {
        return ResponseEntity.status(code.status())
                .contentType(MediaType.APPLICATION_JSON)
                .body(ApiResponse.error(code, message));
    }
}
