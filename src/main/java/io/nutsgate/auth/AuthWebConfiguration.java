package io.nutsgate.auth;

import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Lets controllers ask for a {@link SignedIn} caller; documents the bearer scheme in OpenAPI. */
@Configuration(proxyBeanMethods = false)
@SecurityScheme(
        name = SignedIn.SECURITY_SCHEME,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "Session token from POST /auth/verify or POST /auth/farcaster, or a Farcaster Quick Auth JWT")
class AuthWebConfiguration implements WebMvcConfigurer {

    private final SessionTokens tokens;

    AuthWebConfiguration(SessionTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new SignedInResolver(tokens));
    }
}
