package io.nutsgate.auth;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import org.slf4j.MDC;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves {@link SignedIn} parameters from {@code Authorization: Bearer <token>} (a session token or a Quick Auth
 * JWT), or answers 401.
 */
class SignedInResolver implements HandlerMethodArgumentResolver {

    /** The log field (MDC key) of the signed-in wallet. */
    static final String WALLET_MDC_KEY = "wallet";

    private final SessionTokens tokens;

    SignedInResolver(SessionTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == SignedIn.class;
    }

    @Override
    public SignedIn resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer mavContainer,
            NativeWebRequest request,
            WebDataBinderFactory binderFactory) {
        String token = token(request.getHeader(HttpHeaders.AUTHORIZATION));
        SignedIn signedIn = tokens.signedIn(token)
                .orElseThrow(() -> new ApiException(
                        ErrorCode.UNAUTHORIZED,
                        token == null
                                ? "sign in first: send Authorization: Bearer <token from POST /auth/verify or"
                                        + " POST /auth/farcaster, or a Farcaster Quick Auth JWT>"
                                : "the session token is unknown or expired; sign in again with POST /auth/verify"));
        // The signed-in wallet on every later log line of the request (public, unlike the token); the request id
        // filter clears it when the request ends.
        if (signedIn.address() != null) {
            MDC.put(WALLET_MDC_KEY, signedIn.address());
        }
        return signedIn;
    }

    /** The token of a {@code Bearer} header, or null. */
    static String token(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
