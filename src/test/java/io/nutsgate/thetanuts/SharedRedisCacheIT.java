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

/** Two instances of the service sharing the machine's Redis: what one fetched, the other serves (and does not charge). */
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

    @Test
    void shouldNotChargeAClientForAWalletWhosePositionsTheOtherInstanceJustRead() {
        String wallet = "0x1111111111111111111111111111111111111111";
        String other = "0x2222222222222222222222222222222222222222";

        int readByFirst = positions(first, wallet).statusCode();
        HttpResponse<String> sameWalletFromSecond = positions(second, wallet);
        HttpResponse<String> newWalletFromSecond = positions(second, other);

        assertThat(readByFirst).isEqualTo(200);
        // The client's one new address a window went on the first read; the second instance serves the wallet from
        // the shared cache without counting it, and still refuses a wallet nobody read.
        assertThat(sameWalletFromSecond.statusCode()).isEqualTo(200);
        assertThat(sameWalletFromSecond.body()).contains("\"success\":true");
        assertThat(newWalletFromSecond.statusCode()).isEqualTo(429);
        assertThat(newWalletFromSecond.body()).contains("RATE_LIMITED");
        assertThat(upstream.hits("/book/user/" + wallet + "/positions")).isEqualTo(1);
        assertThat(upstream.hits("/book/user/" + other + "/positions")).isZero();
    }

    private static HttpResponse<String> positions(ConfigurableApplicationContext app, String wallet) {
        return Instances.postAnonymous(app, "/nuts/positions", "{\"address\":\"" + wallet + "\",\"type\":\"open\"}");
    }

    private static ConfigurableApplicationContext start() {
        return Instances.start(
                // One new wallet a client may ask for in a window, whichever instance it asks.
                "--NUTS_POSITIONS_RATE_LIMIT=1",
                "--REDIS_URL=" + MachineRedis.URL + "/3",
                "--NUTS_REDIS_KEY_PREFIX=" + PREFIX,
                "--nuts.orders-url=" + upstream.ordersUrl(),
                "--nuts.indexer-url=" + upstream.indexerUrl());
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String path) {
        return Instances.getAnonymous(app, path);
    }
}
