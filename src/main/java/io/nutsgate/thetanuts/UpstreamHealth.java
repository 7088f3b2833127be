package io.nutsgate.thetanuts;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Upstream health for {@code /actuator/health}: an endpoint counts as down only after
 * {@value #FAILURES_BEFORE_DOWN} failures in a row, so one slow answer does not flap the status.
 */
@Component("upstream")
class UpstreamHealth implements HealthIndicator {

    static final int FAILURES_BEFORE_DOWN = 3;

    private record State(int consecutiveFailures, Instant lastSuccess, Instant lastFailure, String lastError) {}

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Clock clock;

    UpstreamHealth(Clock clock) {
        this.clock = clock;
    }

    void succeeded(String endpoint) {
        states.compute(
                endpoint,
                (k, s) -> new State(
                        0, clock.instant(), s == null ? null : s.lastFailure(), s == null ? null : s.lastError()));
    }

    void failed(String endpoint, Exception error) {
        states.compute(
                endpoint,
                (k, s) -> new State(
                        s == null ? 1 : s.consecutiveFailures() + 1,
                        s == null ? null : s.lastSuccess(),
                        clock.instant(),
                        error.getMessage()));
    }

    /** Forgets every endpoint's record; tests sharing one application context start from a clean slate. */
    void forgetAll() {
        states.clear();
    }

    @Override
    public Health health() {
        Map<String, Object> details = new TreeMap<>();
        boolean down = false;
        for (Map.Entry<String, State> e : states.entrySet()) {
            State s = e.getValue();
            boolean endpointDown = s.consecutiveFailures() >= FAILURES_BEFORE_DOWN;
            down |= endpointDown;
            Map<String, Object> d = new TreeMap<>();
            d.put("status", endpointDown ? "DOWN" : "UP");
            d.put("consecutiveFailures", s.consecutiveFailures());
            if (s.lastSuccess() != null) d.put("lastSuccess", s.lastSuccess().toString());
            if (s.lastFailure() != null) d.put("lastFailure", s.lastFailure().toString());
            if (s.lastError() != null) d.put("lastError", s.lastError());
            details.put(e.getKey(), d);
        }
        return (down ? Health.down() : Health.up()).withDetails(details).build();
    }
}
