package io.nutsgate.positions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.PersistenceTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Arbitrary addresses posted by anyone must not multiply the calls we make to the Thetanuts indexer: repeated
 * addresses come from the cache, new ones are limited per client, and an address posted to /nuts/update is synced
 * once but only followed by the scheduled sync when it trades through our referrer. Loopback is the trusted proxy
 * here, so each test is its own client by X-Forwarded-For.
 */
// Its own context: closed after the class so its database pool does not add to the machine's connections.
@DirtiesContext
@TestPropertySource(
        properties = {
            "nuts.positions-rate-limit.requests=3",
            "nuts.positions-rate-limit.window=1h",
            "nuts.clients.trusted-proxies=127.0.0.1/32"
        })
class AmplificationIT extends PersistenceTest {

    private static final String STRANGER = "0x00000000000000000000000000000000000000aa";

    @DynamicPropertySource
    static void updateLimit(DynamicPropertyRegistry registry) {
        // The production default, over PersistenceTest's 1000 (a dynamic property outranks @TestPropertySource).
        registry.add("nuts.update-rate-limit.requests", () -> "6");
    }

    @Test
    void shouldServeARepeatedAddressFromTheCacheWithoutCountingIt() {
        for (int i = 0; i < 10; i++) {
            assertThat(positions(USER, "198.51.100.1").statusCode()).isEqualTo(200);
        }

        assertThat(upstream.hits("/book/user/" + USER + "/positions")).isEqualTo(1);
        assertThat(upstream.hits("/book/user/" + USER + "/history")).isEqualTo(1);
    }

    @Test
    void shouldLimitTheNewAddressesOneClientAsksFor() {
        List<Integer> statuses = List.of(
                positions(address(1), "198.51.100.2").statusCode(),
                positions(address(2), "198.51.100.2").statusCode(),
                positions(address(3), "198.51.100.2").statusCode());
        HttpResponse<String> fourth = positions(address(4), "198.51.100.2");
        HttpResponse<String> otherClient = positions(address(4), "198.51.100.3");

        assertThat(statuses).containsOnly(200);
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(errorCode(fourth)).isEqualTo("RATE_LIMITED");
        assertThat(fourth.headers().firstValue("Retry-After")).isPresent();
        // The refused address cost the indexer nothing; the other client's request for it was served.
        assertThat(upstream.hits("/book/user/" + address(4) + "/positions")).isEqualTo(1);
        assertThat(otherClient.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldSyncARandomAddressPostedToUpdateOnceWithoutFollowingIt() {
        upstream.body("/book/user/" + STRANGER + "/positions", "{\"data\":[]}");
        upstream.body("/book/user/" + STRANGER + "/history", "{\"data\":[]}");

        HttpResponse<String> update = post("/nuts/update", "{\"address\":\"" + STRANGER + "\"}");

        assertThat(update.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.hits("/book/user/" + STRANGER + "/history") == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> followed(STRANGER) == 0);
    }

    @Test
    void shouldFollowAWalletPostedToUpdateThatTradesThroughOurReferrer() {
        HttpResponse<String> update = post("/nuts/update", "{\"address\":\"" + USER + "\"}");

        assertThat(update.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> followed(USER) == 1);
    }

    /**
     * Behind a proxy that appends the real address to X-Forwarded-For (the default NUTS_FORWARDED_HEADER), a client
     * adding its own Forwarded header or X-Forwarded-For hops, changed on every request, is still one client: at
     * most NUTS_UPDATE_RATE_LIMIT (6) of 20 updates pass.
     */
    @Test
    void shouldCountAClientByTheHeaderItsProxyWritesWhateverHeadersItAdds() {
        String real = "198.51.100.77";
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            String spoofed = "203.0.113." + (i + 1);
            String[] headers =
                    switch (i % 4) {
                        case 0 -> new String[] {"Forwarded", "for=" + spoofed, "X-Forwarded-For", real};
                        case 1 -> new String[] {"X-Forwarded-For", spoofed + ", " + real};
                        case 2 -> new String[] {
                            "Forwarded", "for=\"[2001:db8::" + i + "]\"", "X-Forwarded-For", spoofed + ", " + real
                        };
                        default -> new String[] {"X-Forwarded-For", spoofed, "X-Forwarded-For", real};
                    };
            String[] all = new String[headers.length + 2];
            all[0] = "Accept";
            all[1] = "application/json";
            System.arraycopy(headers, 0, all, 2, headers.length);
            // Past the limit: 429; within it the update is tried (the fixture's indexer may fail it, a 502).
            if (post("/nuts/update", "{\"address\":\"" + address(100 + i) + "\"}", all).statusCode() != 429) {
                accepted++;
            }
        }

        assertThat(accepted).isEqualTo(6);
    }

    private HttpResponse<String> positions(String address, String client) {
        return post(
                "/nuts/positions",
                "{\"address\":\"" + address + "\",\"type\":\"all\"}",
                "Accept",
                "application/json",
                "X-Forwarded-For",
                client);
    }

    private long followed(String address) {
        return jdbc.sql("SELECT count(*) FROM wallet_activity WHERE address = :a")
                .param("a", address)
                .query(Long.class)
                .single();
    }

    private static String address(int n) {
        return String.format("0x%040x", 0xbeef00L + n);
    }
}
