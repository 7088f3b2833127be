package io.nutsgate.ratelimit;

import static io.nutsgate.support.Instances.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Instances;
import io.nutsgate.support.MachineRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances behind one proxy (loopback is the trusted proxy) sharing the machine's Redis: a client's calls
 * count together on both, clients named by X-Forwarded-For count apart, and one IPv6 /64 counts as one client.
 */
class SharedRateLimitIT {

    private static final String PREFIX = MachineRedis.newPrefix("nutsgate-test");
    private static final FixtureUpstream upstream = new FixtureUpstream();
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
        MachineRedis.deleteKeys(PREFIX, 0);
    }

    @Test
    void shouldCountAClientsCallsOnBothInstancesTogether() throws Exception {
        String client = "203.0.113.10";

        int a1 = update(first, client);
        int b1 = update(second, client);
        int a2 = update(first, client);
        int b2 = update(second, client);

        assertThat(new int[] {a1, b1, a2}).containsOnly(200);
        assertThat(b2).isEqualTo(429);
        assertThat(keysInRedis()).isPositive();
    }

    @Test
    void shouldCountClientsBehindTheProxyApart() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(update(first, "198.51.100.20")).isEqualTo(200);
        }
        assertThat(update(second, "198.51.100.20")).isEqualTo(429);
        assertThat(update(second, "198.51.100.21")).isEqualTo(200);
    }

    @Test
    void shouldCountOneIpv6SubnetAsOneClient() throws Exception {
        assertThat(update(first, "2001:db8:42:1::1")).isEqualTo(200);
        assertThat(update(second, "2001:db8:42:1::2")).isEqualTo(200);
        assertThat(update(first, "2001:db8:42:1:ffff::3")).isEqualTo(200);
        assertThat(update(second, "2001:db8:42:1::4")).isEqualTo(429);
        assertThat(update(second, "2001:db8:42:2::1")).isEqualTo(200);
    }

    private static long keysInRedis() {
        return MachineRedis.countKeys(PREFIX, 0);
    }

    private static ConfigurableApplicationContext start() {
        return Instances.start(
                Instances.quietBehindProxy(upstream),
                "--REDIS_URL=" + MachineRedis.URL,
                "--nuts.clients.rate-limit-prefix=" + PREFIX);
    }
}
