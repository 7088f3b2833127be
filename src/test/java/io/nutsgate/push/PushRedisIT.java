package io.nutsgate.push;

import static io.nutsgate.support.Instances.base;
import static io.nutsgate.support.Instances.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.optionmath.Side;
import io.nutsgate.support.RedisServer;
import io.nutsgate.support.SocketIoTestClient;
import io.nutsgate.trades.ChainTrades;
import io.nutsgate.trades.OptionLife;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Two instances sharing a Redis (a private {@code redis-server} this test starts on a free port and stops) and a
 * database: a socket on B gets what happened on A (trades and positions of an update, a settlement read from the
 * chain); with Redis gone, A still pushes to its own sockets and answers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushRedisIT {

    static final Duration WAIT = TwoInstances.WAIT;

    private static RedisServer redis;
    private static TwoInstances instances;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void startRedisAndTwoInstances() throws Exception {
        redis = RedisServer.onFreePortIfInstalled().start();
        instances = TwoInstances.onLocalDatabase("t_push_", "--REDIS_URL=" + redis.url());
        a = instances.a();
        b = instances.b();
    }

    @AfterAll
    static void stop() throws Exception {
        if (instances != null) instances.close();
        if (redis != null) redis.close();
    }

    @Test
    @Order(1)
    void shouldDeliverToASocketOnOneInstanceWhatHappenedOnTheOther() {
        TwoInstances.assertDeliveredAcross(a, b, instance -> {});
    }

    /**
     * A settlement read from the chain on A (the trade written and the settlement applied in one transaction, then the
     * events published once it committed, as the chain indexer does) reaches a socket on B subscribed to the buyer as
     * {@code trade:settled}. The figures are the reference spread's (REFERENCE §3.5 first row, as in
     * {@code OptionLifecycleIT}): ETH CALL_SPREAD 2500/2700 × 23.724792, premium 999999982, collateral 4744958400,
     * settled at 2613.45: payout 113.45 × 23.724792 = 2691.577652 (2691577652), seller back 4744958400 − 2691577652 =
     * 2053380748, buyer P&L 2691577652 − 999999982 = 1691577670.
     */
    @Test
    @Order(2)
    void shouldDeliverASettlementReadOnOneInstanceToASocketOnTheOther() {
        String wallet = "0x00000000000000000000000000000000000000c3";
        String option = "0x00000000000000000000000000000000000000d4";
        String entry = "0x" + "e7".repeat(32);
        String settlement = "0x" + "5e".repeat(32);
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(base(b))) {
            client.awaitConnected();
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, wallet)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            awaitRegistered(wallet);

            Instant now = a.getBean(Clock.class).instant();
            ChainTrades trades = a.getBean(ChainTrades.class);
            ChainTrades.ChainTrade fill = new ChainTrades.ChainTrade(
                    entry,
                    100,
                    option,
                    wallet,
                    Side.BUYER,
                    "ETH",
                    "CALL_SPREAD",
                    true,
                    List.of(new BigInteger("250000000000"), new BigInteger("270000000000")),
                    now.minusSeconds(60),
                    "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
                    "USDC",
                    6,
                    BigInteger.valueOf(999_999_982L),
                    BigInteger.valueOf(34_880_711L),
                    BigInteger.ZERO,
                    BigInteger.valueOf(23_724_792L),
                    BigInteger.valueOf(4_744_958_400L),
                    TwoInstances.REFERRER,
                    now.minusSeconds(3600),
                    true);
            OptionLife settled = new OptionLife(
                    option,
                    OptionLife.End.SETTLED,
                    new BigInteger("261345000000"),
                    BigInteger.valueOf(2_691_577_652L),
                    BigInteger.valueOf(2_053_380_748L),
                    settlement,
                    120L,
                    now.minusSeconds(30),
                    List.of());
            List<Object> events = a.getBean(TransactionTemplate.class).execute(tx -> {
                trades.record(List.of(fill), now);
                return trades.applyLifecycles(List.of(settled), Long.MAX_VALUE, now);
            });
            events.forEach(a::publishEvent);

            JsonNode pushed = client.awaitEvent(PushMessage.TRADE_SETTLED, WAIT);
            assertThat(pushed.path("status").asString()).isEqualTo("settled");
            assertThat(pushed.path("tradeStatus").asString()).isEqualTo("SETTLED");
            assertThat(pushed.path("entryTxHash").asString()).isEqualTo(entry);
            assertThat(pushed.path("optionAddress").asString()).isEqualToIgnoringCase(option);
            assertThat(pushed.path("wallet").asString()).isEqualToIgnoringCase(wallet);
            assertThat(pushed.path("side").asString()).isEqualTo("BUYER");
            assertThat(pushed.path("outcome").asString()).isEqualTo("ITM");
            assertThat(pushed.path("settlementPrice").path("value").asString()).isEqualTo("2613.45");
            assertThat(pushed.path("payout").path("raw").asString()).isEqualTo("2691577652");
            assertThat(pushed.path("collateralReturned").path("raw").asString()).isEqualTo("2053380748");
            assertThat(pushed.path("pnl").path("raw").asString()).isEqualTo("1691577670");
            assertThat(pushed.path("premium").path("raw").asString()).isEqualTo("999999982");
            assertThat(pushed.path("lifecycleTxHash").asString()).isEqualTo(settlement);
        }
    }

    @Test
    @Order(3)
    void shouldKeepPushingLocallyAndAnsweringWhenRedisIsLost() throws Exception {
        String wallet = "0x00000000000000000000000000000000000000b2";
        try (SocketIoTestClient client = SocketIoTestClient.connectWebSocket(base(a))) {
            client.awaitConnected();
            assertThat(client.emitWithAck(PushSockets.SUBSCRIBE, wallet)
                            .path("ok")
                            .asBoolean())
                    .isTrue();
            awaitRegistered(wallet);
            // counted from here: on a loaded machine an instance may already have failed to subscribe once at start
            double failuresBefore = TwoInstances.busFailures(a);
            redis.kill();

            HttpResponse<String> update = post(a, "/nuts/update", "{\"address\":\"" + wallet + "\"}");

            assertThat(update.statusCode()).isEqualTo(200);
            JsonNode positions = client.awaitEvent(PushMessage.POSITION_UPDATE, WAIT);
            assertThat(positions.path("address").asString()).isEqualTo(wallet);
            assertThat(positions.path("positions").size()).isEqualTo(3);
            await().atMost(WAIT).until(() -> TwoInstances.busFailures(a) == failuresBefore + 1);
        }
    }

    // ---- helpers ----

    private static void awaitRegistered(String wallet) {
        TwoInstances.awaitRegistered(a.getBean(JdbcClient.class), wallet);
    }
}
