package io.nutsgate.submissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.indexer.ChainIndexerIT;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.HostileRpcNode;
import io.nutsgate.support.ServiceTest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A flood of made-up transaction hashes posted to {@code /nuts/fills} from one client, beside a real fill from another:
 * the flooding client gets {@value #PENDING_PER_CLIENT} pending submissions and 429s for the rest, the node is asked
 * for a bounded number of receipts (counted by a JSON-RPC stand-in in front of the devnet), and the real fill is
 * recorded all the same.
 */
class FillFloodIT extends ServiceTest {

    static final int FLOOD = 300;
    static final int PENDING_PER_CLIENT = 10; // NUTS_FILLS_MAX_PENDING_PER_CLIENT's default
    /**
     * Asks of one unknown hash within the 2-minute receipt timeout, waits doubling from 0.5 s up to 10 s: at 0, 0.5,
     * 1.5, 3.5, 7.5, 15.5, then every 10 s up to 115.5 — 16 asks.
     */
    static final int ASKS_PER_UNKNOWN_HASH = 16;

    static Devnet devnet;
    static HostileRpcNode node;

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        devnet = Devnet.start(REFERRER);
        node = HostileRpcNode.serving(devnet, registry);
        registry.add("nuts.clients.trusted-proxies", () -> "127.0.0.1/32");
        registry.add("nuts.chain.poll-interval", () -> "1h"); // receipts alone record the real fill
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    void shouldBoundAFloodOfMadeUpHashesAndStillRecordARealFill() {
        SecureRandom random = new SecureRandom();
        int accepted = 0;
        int rateLimited = 0;
        int tooManyPending = 0;
        for (int i = 0; i < FLOOD; i++) {
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            HttpResponse<String> response = post(
                    "/nuts/fills",
                    "{\"txHash\":\"0x" + HexFormat.of().formatHex(hash) + "\"}",
                    "Accept",
                    "application/json",
                    "X-Forwarded-For",
                    "203.0.113.7");
            switch (response.statusCode()) {
                case 200 -> accepted++;
                case 429 -> {
                    if (errorCode(response).equals("RATE_LIMITED")) {
                        rateLimited++;
                    } else {
                        assertThat(errorCode(response)).isEqualTo("TOO_MANY_PENDING_FILLS");
                        tooManyPending++;
                    }
                }
                default -> throw new AssertionError(response.statusCode() + " " + response.body());
            }
        }
        assertThat(accepted).isEqualTo(PENDING_PER_CLIENT);
        assertThat(tooManyPending).isPositive();
        assertThat(rateLimited).isEqualTo(FLOOD - accepted - tooManyPending);

        Account taker = devnet.takers().get(0);
        String tx = ChainIndexerIT.fill(devnet, taker, REFERRER)
                .getTransactionHash()
                .toLowerCase(Locale.ROOT);
        HttpResponse<String> real = post(
                "/nuts/fills",
                "{\"txHash\":\"" + tx + "\"}",
                "Accept",
                "application/json",
                "X-Forwarded-For",
                "203.0.113.8");
        assertThat(real.statusCode()).as(real.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(body(get("/nuts/fills/" + tx))
                        .path("data")
                        .path("state")
                        .asString())
                .isEqualTo("recorded"));

        // the node was asked for the pending hashes only, each a bounded number of times
        assertThat(node.calls("eth_getTransactionReceipt"))
                .isLessThanOrEqualTo((PENDING_PER_CLIENT + 1) * ASKS_PER_UNKNOWN_HASH);
    }
}
