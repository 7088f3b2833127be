package io.nutsgate.push;

import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.support.TestProperties;
import io.nutsgate.support.TestRetries;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The PostgreSQL push bus while the database refuses its notifications, without a database. */
class PostgresPushBusTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DataSource pool = mock(DataSource.class);
    private final PostgresPushBus bus;

    PostgresPushBusTests() throws SQLException {
        // The schema is read once at start; every connection asked for after that fails.
        Connection schema = mock(Connection.class, RETURNS_DEEP_STUBS);
        when(schema.createStatement().executeQuery(anyString()).getString(1)).thenReturn("public");
        when(pool.getConnection()).thenReturn(schema).thenThrow(new SQLException("the database is down"));
        // Two failed notifications open the breaker (a small window for the test).
        var settings = TestProperties.with(Map.of(
                        "push.bus-breaker.window", "2",
                        "push.bus-breaker.minimum-calls", "2",
                        "push.bus-breaker.open-for", "1h"))
                .push();
        bus = new PostgresPushBus(
                pool,
                "jdbc:postgresql://127.0.0.1:1/unused",
                new Properties(),
                mock(PushSockets.class),
                new PushMetrics(meters),
                new PushInstance(),
                JsonMapper.builder().build(),
                settings.busRetry(),
                TestRetries.inCallersThread(meters),
                new CircuitBreakers(meters).breaker("push-pg-notify", settings.busBreaker(), e -> true),
                meters);
        bus.start();
    }

    @AfterEach
    void stop() {
        bus.stop();
    }

    @Test
    void shouldStopAskingTheDatabaseOnceThePushBusBreakerOpens() throws SQLException {
        for (int i = 1; i <= 3; i++) {
            bus.publish(new PushMessage("positions:0xabc", "trade:new", "{\"n\":" + i + "}"));
        }

        // Each push still counts as a failed fan-out (it reached this instance's sockets only)...
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.counter("nuts.push.bus.failures").count() == 3);
        // ...but only the first two asked the pool for a connection (plus the schema read at start).
        verify(pool, times(1 + 2)).getConnection();
    }
}
