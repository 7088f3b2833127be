package io.nutsgate.support;

import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.resilience.Retries;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * {@link Retries} as the application makes them (its registry bound to {@code meters}), for a client a test builds by
 * hand that retries in the caller's thread: the task scheduler is not started, so a retry in the background fails at
 * once.
 */
public final class TestRetries {

    private TestRetries() {}

    public static Retries inCallersThread(MeterRegistry meters) {
        return new Retries(Retries.registry(meters), new ThreadPoolTaskScheduler());
    }
}
