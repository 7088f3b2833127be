package io.nutsgate.auth;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
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
        return tokens.signedIn(token)
                .orElseThrow(() -> new ApiException(
                        ErrorCode.UNAUTHORIZED,
                        token == null
                                ? "sign in first: send Authorization: Bearer <token from POST /auth/verify or"
                                        + " POST /auth/farcaster, or a Farcaster Quick Auth JWT>"
                                : "the session token is unknown or expired; sign in again with POST /auth/verify"));
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
