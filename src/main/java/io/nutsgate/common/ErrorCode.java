package io.nutsgate.common;

import org.springframework.http.HttpStatus;

/** Every error the API can answer with: a stable code for clients and the HTTP status it maps to. */
public enum ErrorCode {
    INVALID_BODY(HttpStatus.BAD_REQUEST),
    INVALID_TYPE(HttpStatus.BAD_REQUEST),
    INVALID_ADDRESS(HttpStatus.BAD_REQUEST),
    INVALID_PARAMETER(HttpStatus.BAD_REQUEST),
    INVALID_AMOUNT(HttpStatus.BAD_REQUEST),
    INVALID_STRIKES(HttpStatus.BAD_REQUEST),
    // Hostile clients (issue 8): requests the server refuses before any endpoint sees them.
    INVALID_REQUEST(HttpStatus.BAD_REQUEST),
    REQUEST_TIMEOUT(HttpStatus.REQUEST_TIMEOUT),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE),
    CORS_REJECTED(HttpStatus.FORBIDDEN),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
    NOT_FOUND(HttpStatus.NOT_FOUND),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED),
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS),
    ORDER_NOT_FOUND(HttpStatus.NOT_FOUND),
    POSITION_NOT_FOUND(HttpStatus.NOT_FOUND),
    ORDER_EXPIRED(HttpStatus.CONFLICT),
    AMOUNT_TOO_SMALL(HttpStatus.UNPROCESSABLE_CONTENT),
    AMOUNT_EXCEEDS_CAPACITY(HttpStatus.UNPROCESSABLE_CONTENT),
    UNKNOWN_IMPLEMENTATION(HttpStatus.UNPROCESSABLE_CONTENT),
    PRODUCT_UNSUPPORTED(HttpStatus.UNPROCESSABLE_CONTENT),
    REFERRER_NOT_CONFIGURED(HttpStatus.SERVICE_UNAVAILABLE),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED),
    CONFLICT(HttpStatus.CONFLICT),
    // Sign-In with Ethereum (issue #4): a malformed message is a 400, every failed check a 401.
    SIWE_MALFORMED(HttpStatus.BAD_REQUEST),
    SIWE_DOMAIN_MISMATCH(HttpStatus.UNAUTHORIZED),
    SIWE_URI_MISMATCH(HttpStatus.UNAUTHORIZED),
    SIWE_CHAIN_MISMATCH(HttpStatus.UNAUTHORIZED),
    SIWE_EXPIRED(HttpStatus.UNAUTHORIZED),
    SIWE_NOT_YET_VALID(HttpStatus.UNAUTHORIZED),
    SIWE_NONCE_INVALID(HttpStatus.UNAUTHORIZED),
    SIWE_SIGNATURE_INVALID(HttpStatus.UNAUTHORIZED),
    QUICK_AUTH_MALFORMED(HttpStatus.UNAUTHORIZED),
    QUICK_AUTH_EXPIRED(HttpStatus.UNAUTHORIZED),
    QUICK_AUTH_AUDIENCE_MISMATCH(HttpStatus.UNAUTHORIZED),
    QUICK_AUTH_ISSUER_MISMATCH(HttpStatus.UNAUTHORIZED),
    QUICK_AUTH_SIGNATURE_INVALID(HttpStatus.UNAUTHORIZED),
    QUICK_AUTH_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
    FID_NOT_VERIFIED(HttpStatus.FORBIDDEN),
    // Users and wallets (issue #4).
    USER_NOT_FOUND(HttpStatus.NOT_FOUND),
    PROFILE_REQUIRED(HttpStatus.CONFLICT),
    FID_TAKEN(HttpStatus.CONFLICT),
    WALLET_LINKED_TO_OTHER_USER(HttpStatus.CONFLICT),
    // Chain access (issue 9): BASE_RPC_URL unset (503), the node failing or timing out (502).
    CHAIN_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
    CHAIN_ERROR(HttpStatus.BAD_GATEWAY),
    FILL_NOT_FOUND(HttpStatus.NOT_FOUND),
    // Issue 17: a client (or the instance) already has as many fills awaiting their receipt as allowed.
    TOO_MANY_PENDING_FILLS(HttpStatus.TOO_MANY_REQUESTS),
    // Socket.IO pushes (issue 10): answered in acks, never over HTTP.
    TOO_MANY_SUBSCRIPTIONS(HttpStatus.TOO_MANY_REQUESTS),
    UNKNOWN_EVENT(HttpStatus.BAD_REQUEST),
    // Operator pages (issue 11): the dashboard's data needs Bearer NUTS_MANAGEMENT_TOKEN (else UNAUTHORIZED, as the
    // metrics); with no token set the dashboard is off.
    OPERATOR_NOT_CONFIGURED(HttpStatus.NOT_FOUND),
    TOO_MANY_CONNECTIONS(HttpStatus.SERVICE_UNAVAILABLE),
    MESSAGE_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE),
    UPSTREAM_UNAVAILABLE(HttpStatus.BAD_GATEWAY),
    UPSTREAM_BAD_RESPONSE(HttpStatus.BAD_GATEWAY),
    UPSTREAM_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT),
    DATABASE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR);

    private final HttpStatus status;

    ErrorCode(HttpStatus status) {
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }
}
