package io.nutsgate.ratelimit;

import static io.nutsgate.support.FixtureUpstream.newWallet;
import static io.nutsgate.support.Instances.newClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Instances;
import io.nutsgate.support.RedisServer;
import io.nutsgate.support.RequiredService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An instance whose {@code REDIS_URL} names a free port where nothing listens yet: it starts, answers and limits
 * {@code POST /nuts/update} (3 calls per client per hour) in process; once a private {@code redis-server} is started
 * on that port, without a restart, it counts rate limits in that Redis under the configured prefix, caches upstream
 * bodies there and subscribes to the push channel.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisDownAtStartIT {

    private static final String RATE_LIMIT_PREFIX = "down-at-start:ratelimit:";
    private static final String CACHE_PREFIX = "down-at-start:";

    private static final FixtureUpstream upstream = new FixtureUpstream();
    private static RedisServer redis;
    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void startAnInstanceWithoutRedis() throws Exception {
        Instances.requireLocalPostgres();
        redis = RedisServer.onFreePortIfInstalled();
        app = Instances.start(
                Instances.quietBehindProxy(upstream),
                "--REDIS_URL=" + redis.url(),
                "--nuts.redis-key-prefix=" + CACHE_PREFIX,
                "--nuts.clients.rate-limit-prefix=" + RATE_LIMIT_PREFIX);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) app.close();
        if (redis != null) redis.close();
        upstream.close();
    }

    @Test
    @Order(1)
    void shouldStartAndAnswerWithRateLimitsCountedInProcessWhileNothingListensOnTheRedisPort() throws Exception {
        assertThat(RequiredService.reachable("127.0.0.1", redis.port()))
                .as("nothing listens on the Redis port yet")
                .isFalse();

        int config = get("/nuts/config");
        List<Integer> firstCalls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            firstCalls.add(update(newClient()));
        }
        String client = newClient();
        List<Integer> oneClient = List.of(update(client), update(client), update(client), update(client));
        int positions = positions(newClient(), newWallet());

        assertThat(config).isEqualTo(200);
        assertThat(firstCalls).containsOnly(200);
        assertThat(oneClient).containsExactly(200, 200, 200, 429);
        assertThat(positions).isEqualTo(200);
    }

    @Test
    @Order(2)
    void shouldCountCacheAndSubscribeInRedisSoonAfterItStartsOnThatPort() throws Exception {
        redis.start(); // nothing restarted on the instance's side

        // rate limits: a new client's bucket appears in that Redis under the configured prefix
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    String client = newClient();
                    return update(client) == 200
                            && redis.command(r -> r.exists(RATE_LIMIT_PREFIX + "update:" + client)) == 1;
                });
        String client = newClient();
        List<Integer> oneClient = List.of(update(client), update(client), update(client), update(client));
        assertThat(oneClient).containsExactly(200, 200, 200, 429);
        long bucketsInRedis = redis.command(r -> r.exists(RATE_LIMIT_PREFIX + "update:" + client));
        assertThat(bucketsInRedis).isEqualTo(1);

        // the cache: an upstream body fetched now is stored in that Redis
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    String wallet = newWallet();
                    return positions(newClient(), wallet) == 200
                            && redis.command(r -> r.exists(CACHE_PREFIX + "upstream:positions:" + wallet)) == 1;
                });

        // pushes: the instance subscribed to the channel the other instances publish on
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> redis.command(
                                r -> r.pubsubNumsub(CACHE_PREFIX + "push").getOrDefault(CACHE_PREFIX + "push", 0L))
                        == 1);
    }

    // ---- helpers ----

    private static int get(String path) {
        return Instances.getAnonymous(app, path).statusCode();
    }

    private static int update(String forwardedFor) {
        return Instances.update(app, forwardedFor);
    }

    private static int positions(String forwardedFor, String wallet) {
        return Instances.post(
                        app,
                        "/nuts/positions",
                        "{\"address\":\"" + wallet + "\",\"type\":\"open\"}",
                        "X-Forwarded-For",
                        forwardedFor)
                .statusCode();
    }
}
