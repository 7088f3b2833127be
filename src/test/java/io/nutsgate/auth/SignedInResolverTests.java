package io.nutsgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.nutsgate.common.ApiException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.ServletWebRequest;

/** The signed-in wallet goes on the request's log lines (MDC {@code wallet}); the session token never does. */
class SignedInResolverTests {

    private static final String WALLET = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";
    private static final String TOKEN = "secret-session-token-123";

    private final SessionTokens tokens = mock(SessionTokens.class);
    private final SignedInResolver resolver = new SignedInResolver(tokens);

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void shouldPutTheSignedInWalletButNotTheTokenOnTheLogLines() {
        when(tokens.signedIn(eq(TOKEN))).thenReturn(Optional.of(new SignedIn(WALLET, null, Instant.now())));

        SignedIn signedIn = resolver.resolveArgument(null, null, request("Bearer " + TOKEN), null);

        assertThat(signedIn.address()).isEqualTo(WALLET);
        assertThat(MDC.get("wallet")).isEqualTo(WALLET);
        assertThat(MDC.getCopyOfContextMap().values()).doesNotContain(TOKEN);
    }

    @Test
    void shouldNameNoWalletForAnUnknownSession() {
        when(tokens.signedIn(any())).thenReturn(Optional.empty());

        assertThatThrownBy(() -> resolver.resolveArgument(null, null, request("Bearer " + TOKEN), null))
                .isInstanceOf(ApiException.class);
        assertThat(MDC.get("wallet")).isNull();
    }

    private static ServletWebRequest request(String authorization) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization", authorization);
        return new ServletWebRequest(request);
    }
}
