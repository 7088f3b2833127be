package io.nutsgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.support.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientRateLimiterTests {

    private final MutableClock clock = new MutableClock();
    private final ClientRateLimiter limiter = new ClientRateLimiter(3, Duration.ofMinutes(1), clock);

    @Test
    void shouldRefuseTheCallAfterTheLimitWithTheSecondsToWait() {
        limiter.acquire("10.0.0.1");
        limiter.acquire("10.0.0.1");
        clock.advance(Duration.ofSeconds(20));
        limiter.acquire("10.0.0.1");

        assertThatThrownBy(() -> limiter.acquire("10.0.0.1"))
                .isInstanceOfSatisfying(ClientRateLimiter.RateLimitedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(e.retryAfterSeconds()).isEqualTo(40);
                });
    }

    @Test
    void shouldCountEachClientApart() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("10.0.0.1");
        }
        limiter.acquire("10.0.0.2");
        assertThatThrownBy(() -> limiter.acquire("10.0.0.1")).isInstanceOf(ApiException.class);
    }

    @Test
    void shouldAllowCallsAgainInTheNextWindow() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("10.0.0.1");
        }
        clock.advance(Duration.ofMinutes(1));
        limiter.acquire("10.0.0.1");
    }
}
