package io.nutsgate.ratelimit;

import static io.nutsgate.support.Instances.newClient;
import static io.nutsgate.support.Instances.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Instances;
import io.nutsgate.support.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances counting {@code POST /nuts/update} (3 calls per client per hour) in a private {@code redis-server}
 * this test starts on a free port: each on its own, without failing or hanging a request, once it is killed with
 * SIGKILL; together again within seconds of it being started on the same port. That they count together while Redis
 * runs is {@link SharedRateLimitIT}'s to prove.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitRedisOutageIT {

    private static final FixtureUpstream upstream = new FixtureUpstream();
    private static RedisServer redis;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void startRedisAndTwoInstances() throws Exception {
        Instances.requireLocalPostgres();
        redis = RedisServer.onFreePortIfInstalled().start();
        a = start();
        b = start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) b.close();
        if (a != null) a.close();
        if (redis != null) redis.close();
        upstream.close();
    }

    @Test
    @Order(1)
    void shouldAnswerEveryRequestAndLimitEachInstanceOnItsOwnWhileRedisIsDead() throws Exception {
        redis.kill(); // kill -9

        List<Integer> firstCalls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            firstCalls.add(update(a, newClient()));
            firstCalls.add(update(b, newClient()));
        }
        String client = newClient();
        List<Integer> onA = List.of(update(a, client), update(a, client), update(a, client), update(a, client));
        List<Integer> onB = List.of(update(b, client), update(b, client), update(b, client), update(b, client));

        assertThat(firstCalls).containsOnly(200);
        assertThat(onA).containsExactly(200, 200, 200, 429);
        // B never heard of A's calls: the limit holds per instance for the outage
        assertThat(onB).containsExactly(200, 200, 200, 429);
        // and the breaker stopped trying Redis instead of waiting for it on every call
        assertThat(notPermittedRedisCalls(a)).isPositive();
        assertThat(notPermittedRedisCalls(b)).isPositive();
    }

    @Test
    @Order(2)
    void shouldCountTogetherAgainSoonAfterRedisIsBack() throws Exception {
        redis.start(); // same port, empty

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    String client = newClient();
                    // The 4th call is refused only if B counted A's two calls with its own: counted in Redis.
                    return List.of(update(a, client), update(b, client), update(a, client), update(b, client))
                            .equals(List.of(200, 200, 200, 429));
                });
    }

    // ---- helpers ----

    /** Calls of Redis the {@code redis-rate-limits} breaker refused, from the instance's Prometheus metrics. */
    private static double notPermittedRedisCalls(ConfigurableApplicationContext app) {
        String metrics = Instances.get(app, "/actuator/prometheus").body();
        Matcher line = Pattern.compile(
                        "(?m)^resilience4j_circuitbreaker_not_permitted_calls_total\\{[^}]*name=\"redis-rate-limits\"[^}]*} (\\S+)$")
                .matcher(metrics);
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    private static ConfigurableApplicationContext start() {
        return Instances.start(Instances.quietBehindProxy(upstream), "--REDIS_URL=" + redis.url());
    }
}
