package io.nutsgate.positions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.PersistenceTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
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
        List<String> addresses = FixtureUpstream.newWallets(4);
        List<Integer> statuses = List.of(
                positions(addresses.get(0), "198.51.100.2").statusCode(),
                positions(addresses.get(1), "198.51.100.2").statusCode(),
                positions(addresses.get(2), "198.51.100.2").statusCode());
        HttpResponse<String> fourth = positions(addresses.get(3), "198.51.100.2");
        HttpResponse<String> otherClient = positions(addresses.get(3), "198.51.100.3");

        assertThat(statuses).containsOnly(200);
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(errorCode(fourth)).isEqualTo("RATE_LIMITED");
        assertThat(fourth.headers().firstValue("Retry-After")).isPresent();
        // The refused address cost the indexer nothing; the other client's request for it was served.
        assertThat(upstream.hits("/book/user/" + addresses.get(3) + "/positions"))
                .isEqualTo(1);
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
}
