package io.nutsgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.support.MutableClock;
import io.nutsgate.support.QuickAuthServer;
import io.nutsgate.support.TestProperties;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Quick Auth tokens while the Quick Auth server cannot hand out its keys, without the web layer. */
class QuickAuthTokensTests {

    private static final String DOMAIN = "app.example";

    private final QuickAuthServer server = QuickAuthServer.start().down(true);
    private final MutableClock clock = new MutableClock();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldAnswerUnavailableAndStopFetchingTheKeysOnceTheBreakerOpens() {
        // One failed fetch opens the breaker: the next sign-in is refused without asking the server again.
        QuickAuthTokens tokens = new QuickAuthTokens(
                TestProperties.with(Map.of(
                        "auth.quick-auth.origin", server.origin(),
                        "auth.quick-auth.domain", DOMAIN,
                        "auth.quick-auth.jwks-refetch-interval", "1m",
                        "auth.quick-auth.jwks-cache-ttl", "2m",
                        "auth.quick-auth.breaker.window", "1",
                        "auth.quick-auth.breaker.minimum-calls", "1",
                        "auth.quick-auth.breaker.open-for", "1h")),
                mock(AuthApi.class),
                clock,
                new CircuitBreakers(new SimpleMeterRegistry()));
        String token = server.token(3621, DOMAIN, clock.instant());

        assertThatThrownBy(() -> tokens.verify(token))
                .isInstanceOf(ApiException.class)
                .extracting(e -> ((ApiException) e).code())
                .isEqualTo(ErrorCode.QUICK_AUTH_UNAVAILABLE);
        assertThat(server.fetches()).isEqualTo(1);

        assertThatThrownBy(() -> tokens.verify(token))
                .isInstanceOf(ApiException.class)
                .extracting(e -> ((ApiException) e).code())
                .isEqualTo(ErrorCode.QUICK_AUTH_UNAVAILABLE);
        assertThat(server.fetches()).as("not fetched while the breaker is open").isEqualTo(1);
    }
}
