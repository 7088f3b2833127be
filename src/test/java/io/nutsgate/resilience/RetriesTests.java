package io.nutsgate.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nutsgate.settings.NutsProperties;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Retries in the caller's thread and in the background on the task scheduler: attempts, waits, results that count as
 * failures, and the metrics of the one registry.
 */
class RetriesTests {

    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Retries retries;

    RetriesTests() {
        scheduler.setThreadNamePrefix("nuts-job-");
        scheduler.initialize();
        retries = new Retries(Retries.registry(meters), scheduler);
    }

    @AfterEach
    void stop() {
        scheduler.shutdown();
    }

    @Test
    void shouldTryAgainOnTheSchedulerUntilAResultIsGood() throws Exception {
        Retry retry = retries.retry("test-skipped", 5, Duration.ofMillis(10), e -> true, "skipped"::equals);
        AtomicInteger calls = new AtomicInteger();
        StringBuilder threads = new StringBuilder();

        String last = retries.inBackground(retry, Duration.ZERO, () -> {
                    threads.append(Thread.currentThread().getName()).append(' ');
                    return calls.incrementAndGet() < 3 ? "skipped" : "success";
                })
                .get(30, TimeUnit.SECONDS);

        assertThat(last).isEqualTo("success");
        assertThat(calls).hasValue(3);
        assertThat(threads.toString().trim().split(" ")).allMatch(name -> name.startsWith("nuts-job-"));
        assertThat(meters.get("resilience4j.retry.calls")
                        .tag("name", "test-skipped")
                        .tag("kind", "successful_with_retry")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void shouldStopAfterTheAttemptsWithTheLastResultOrFailure() throws Exception {
        Retry skipping = retries.retry("test-always-skipped", 3, Duration.ofMillis(10), e -> true, "skipped"::equals);
        Retry failing = retries.retry("test-always-failing", 2, Duration.ofMillis(10), e -> true, null);
        AtomicInteger calls = new AtomicInteger();

        String last = retries.inBackground(skipping, Duration.ZERO, () -> {
                    calls.incrementAndGet();
                    return "skipped";
                })
                .get(30, TimeUnit.SECONDS);
        Throwable failure = null;
        try {
            retries.inBackground(failing, Duration.ZERO, () -> {
                        throw new IllegalStateException("down");
                    })
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause();
        }

        assertThat(last).isEqualTo("skipped");
        assertThat(calls).hasValue(3);
        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("down");
    }

    @Test
    void shouldTryAgainOnlyTheFailuresItAcceptsWaitingTwiceAsLongEachTime() {
        Retry retry = retries.retry(
                "test-node",
                new NutsProperties.Retry(3, Duration.ofMillis(100)),
                e -> e instanceof IllegalStateException);
        AtomicInteger calls = new AtomicInteger();

        long start = System.nanoTime();
        String answer = Retry.decorateSupplier(retry, () -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("node down");
                    }
                    return "0x1";
                })
                .get();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        AtomicInteger refusedCalls = new AtomicInteger();
        Throwable refused = null;
        try {
            Retry.decorateSupplier(retry, () -> {
                        refusedCalls.incrementAndGet();
                        throw new IllegalArgumentException("reverted");
                    })
                    .get();
        } catch (IllegalArgumentException e) {
            refused = e;
        }

        assertThat(answer).isEqualTo("0x1");
        assertThat(calls).hasValue(3);
        assertThat(tookMillis).isGreaterThanOrEqualTo(100 + 200); // waits of 100 ms, then 200 ms
        assertThat(refused).hasMessage("reverted");
        assertThat(refusedCalls).hasValue(1);
        assertThat(meters.get("resilience4j.retry.calls")
                        .tag("name", "test-node")
                        .tag("kind", "successful_with_retry")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
    }
}
