package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.FixtureUpstream.Fault;
import io.nutsgate.support.GatewayTest;
import io.nutsgate.support.RedisServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service on a redis-server of its own, killed with SIGKILL mid-run and started again on the same port: the
 * in-process level keeps serving (stale data included), the breaker stops calling Redis while it is down, and
 * Redis is written again once it is back.
 */
class RedisOutageIT extends GatewayTest {

    private static final RedisServer redis = RedisServer.onFreePort().start();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("REDIS_URL", redis::url);
        registry.add("nuts.redis.breaker.minimum-calls", () -> "3");
        registry.add("nuts.redis.breaker.open-for", () -> "500ms");
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void shouldKeepServingFromProcessWhileRedisIsKilledAndUseItAgainOnceItIsBack() throws Exception {
        HttpResponse<String> before = get("/nuts/stats");
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(redisHas("stats")).isTrue();

        redis.kill(); // kill -9

        // fresh: served from the in-process copy as if nothing happened
        HttpResponse<String> during = get("/nuts/stats");
        assertThat(during.statusCode()).isEqualTo(200);
        assertThat(body(during).get("data")).isEqualTo(body(before).get("data"));
        // stale data survives the Redis loss: past its lifetime, with the indexer failing too
        clock.advance(Duration.ofSeconds(301));
        upstream.fault("/book/stats", Fault.HTTP_500);
        HttpResponse<String> stale = get("/nuts/stats");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(body(stale).get("stale").asBoolean()).isTrue();
        assertThat(body(stale).get("data")).isEqualTo(body(before).get("data"));
        // new keys are fetched and served while Redis is down; its breaker opens
        for (int i = 1; i <= 4; i++) {
            assertThat(post("/nuts/positions", positions(FixtureUpstream.newWallet()))
                            .statusCode())
                    .isEqualTo(200);
        }
        assertThat(breakers.redis().getState()).isEqualTo(CircuitBreaker.State.OPEN);

        redis.start(); // same port, empty

        String wallet = FixtureUpstream.newWallet();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    cache.evict("positions:" + wallet);
                    post("/nuts/positions", positions(wallet));
                    return redisHas("positions:" + wallet);
                });
        assertThat(breakers.redis().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private static String positions(String wallet) {
        return "{\"address\":\"" + wallet + "\",\"type\":\"open\"}";
    }

    private static boolean redisHas(String key) {
        return redis.command(r -> r.exists("nutsgate:upstream:" + key)) == 1;
    }
}
