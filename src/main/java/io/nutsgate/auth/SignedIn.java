package io.nutsgate.auth;

import java.time.Instant;

/**
 * The wallet behind the request's {@code Authorization: Bearer} session. Declare it as a controller method
 * parameter to require a signed-in caller: without a live session the request is answered 401
 * {@code UNAUTHORIZED} before the method runs.
 */
public record SignedIn(String address, Instant sessionExpiresAt) {

    /** The OpenAPI security scheme name of the bearer session, for {@code @SecurityRequirement}. */
    public static final String SECURITY_SCHEME = "siweSession";
}
