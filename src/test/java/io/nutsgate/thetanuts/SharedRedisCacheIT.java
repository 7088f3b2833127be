package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Instances;
import io.nutsgate.support.MachineRedis;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Two instances of the service sharing the machine's Redis: what one fetched, the other serves. */
class SharedRedisCacheIT {

    private static final FixtureUpstream upstream = new FixtureUpstream();
    /** A key prefix of this run's own, so that parallel builds on one Redis never see each other's entries. */
    private static final String PREFIX = MachineRedis.newPrefix("nutsgate-test");

    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void startTwoInstances() {
        MachineRedis.require();
        first = start();
        second = start();
    }

    @AfterAll
    static void stop() {
        if (second != null) second.close();
        if (first != null) first.close();
        upstream.close();
        MachineRedis.deleteKeys(PREFIX, 3); // only this run's keys: other builds share the machine's Redis
    }

    @Test
    void shouldServeFromTheOtherInstanceWhatOneInstanceFetched() throws Exception {
        HttpResponse<String> fromFirst = get(first, "/nuts/stats");
        HttpResponse<String> fromSecond = get(second, "/nuts/stats");

        assertThat(fromFirst.statusCode()).isEqualTo(200);
        assertThat(fromSecond.statusCode()).isEqualTo(200);
        assertThat(fromSecond.body()).isEqualTo(fromFirst.body());
        assertThat(upstream.hits("/book/stats")).isEqualTo(1);
    }

    private static ConfigurableApplicationContext start() {
        return Instances.start(
                "--REDIS_URL=" + MachineRedis.URL + "/3",
                "--NUTS_REDIS_KEY_PREFIX=" + PREFIX,
                "--nuts.orders-url=" + upstream.ordersUrl(),
                "--nuts.indexer-url=" + upstream.indexerUrl());
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String path) {
        return Instances.getAnonymous(app, path);
    }
}
