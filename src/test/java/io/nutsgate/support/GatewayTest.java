package io.nutsgate.support;

import io.nutsgate.thetanuts.CachedUpstream;
import io.nutsgate.thetanuts.UpstreamHealthReset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway features over {@link ServiceTest}: the clock near the fixtures' time, the cached upstream
 * resources dropped before each test, and the trade sync off. Subclasses share one application context.
 */
public abstract class GatewayTest extends ServiceTest {

    private static final AtomicLong tick = new AtomicLong();

    @Autowired
    protected CachedUpstream cache;

    @Autowired
    private ApplicationContext context;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("nuts.update.retry-delay", () -> "200ms");
        // The trade sync's own calls to the indexer would change the hit counts these tests assert.
        registry.add("nuts.trades.scheduled-sync", () -> "false");
        registry.add("nuts.trades.sync-on-events", () -> "false");
    }

    @BeforeEach
    void resetWorld() {
        upstream.reset();
        // Each test starts a few ms later than the last, still before the fixtures' quotes expire.
        clock.set(MutableClock.FIXTURE_NOW.plusMillis(10 * tick.incrementAndGet()));
        for (String key : new String[] {
            "orders:feed", "stats", "referrer-state:" + REFERRER, "positions:" + USER, "history:" + USER
        }) {
            cache.evict(key);
        }
        // Every upstream breaker is closed (ServiceTest), and no endpoint is counted down by an earlier test's
        // failures.
        UpstreamHealthReset.forgetAll(context);
    }
}
