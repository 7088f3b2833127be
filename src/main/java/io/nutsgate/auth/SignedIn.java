package io.nutsgate.auth;

import java.time.Instant;

/**
 * Who is behind the request's {@code Authorization: Bearer}: a wallet (a SIWE session; {@code fid} null) or a
 * verified Farcaster fid (a Quick Auth JWT, or a session made from one; {@code address} null). Declare it as a
 * controller method parameter to require a signed-in caller: without a live session or a valid Quick Auth token the
 * request is answered 401 before the method runs.
 */
public record SignedIn(String address, Long fid, Instant sessionExpiresAt) {

    /** The OpenAPI security scheme name of the bearer session, for {@code @SecurityRequirement}. */
    public static final String SECURITY_SCHEME = "siweSession";

    /** A wallet's session: {@link #address()} proved itself with SIWE. */
    public boolean isWallet() {
        return address != null;
    }
}
