package io.nutsgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Loopback is the trusted proxy, writing X-Forwarded-For (the default NUTS_FORWARDED_HEADER): what a client adds to
 * the headers must not make it someone else for the rate limits.
 */
@DirtiesContext
@TestPropertySource(properties = "nuts.clients.trusted-proxies=127.0.0.1/32")
class ForwardedAddressesIT extends GatewayTest {

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
                        case 2 ->
                            new String[] {
                                "Forwarded", "for=\"[2001:db8::" + i + "]\"", "X-Forwarded-For", spoofed + ", " + real
                            };
                        default -> new String[] {"X-Forwarded-For", spoofed, "X-Forwarded-For", real};
                    };
            String[] all = new String[headers.length + 2];
            all[0] = "Accept";
            all[1] = "application/json";
            System.arraycopy(headers, 0, all, 2, headers.length);
            // Past the limit: 429; within it the update is tried (the fixture's indexer may fail it, a 502).
            if (post("/nuts/update", "{\"address\":\"" + FixtureUpstream.newWallet() + "\"}", all)
                            .statusCode()
                    != 429) {
                accepted++;
            }
        }

        assertThat(accepted).isEqualTo(6);
    }
}
