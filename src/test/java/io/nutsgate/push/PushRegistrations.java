package io.nutsgate.push;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What the push tests wait for before acting: a subscription recorded in the shared registry. */
final class PushRegistrations {

    private PushRegistrations() {}

    /** Waits until the registry ({@code push_subscriptions}) holds one row of {@code wallet}. */
    static void awaitRegistered(JdbcClient jdbc, String wallet, Duration wait) {
        await().atMost(wait)
                .until(() -> jdbc.sql("SELECT count(*) FROM push_subscriptions WHERE wallet = :w")
                                .param("w", wallet)
                                .query(Long.class)
                                .single()
                        == 1);
    }
}
