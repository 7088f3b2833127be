package io.nutsgate.trades;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nutsgate.common.ApiException;
import io.nutsgate.support.Eip55;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.FixtureUpstream.Fault;
import io.nutsgate.support.PersistenceTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class TradesIT extends PersistenceTest {

    private static final String POSITIONS = "/book/user/" + USER + "/positions";
    private static final String HISTORY = "/book/user/" + USER + "/history";
    private static final String USDC = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913";
    private static final String WETH = "0x4200000000000000000000000000000000000006";

    @Autowired
    TradeSync sync;

    private long rows() {
        return jdbc.sql("SELECT count(*) FROM trades").query(Long.class).single();
    }

    private String status(String optionAddress) {
        return jdbc.sql("SELECT status FROM trades WHERE option_address = :o")
                .param("o", optionAddress)
                .query(String.class)
                .single();
    }

    @Test
    void shouldKeepOnlyOurReferrersTradesAndUpsertThemIdempotently() {
        TradeSync.Result first = sync.sync(USER);
        TradeSync.Result second = sync.sync(USER);

        assertThat(first.positions()).isEqualTo(8);
        assertThat(first.kept()).isEqualTo(6);
        assertThat(first.written()).isEqualTo(6);
        assertThat(second.written()).isZero();
        assertThat(rows()).isEqualTo(6);
        assertThat(jdbc.sql("SELECT count(*) FROM trades WHERE referrer <> :r")
                        .param("r", REFERRER)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void shouldValueARecordedOptionByItsAddressAlone() {
        sync.sync(USER);

        HttpResponse<String> response = post(
                "/nuts/payout",
                "{\"optionAddress\":\"0xf7cd8539121aececfa63c6ca40dcc6da770ae954\",\"settlementPrice\":\"2700\"}");
        HttpResponse<String> unknown = post("/nuts/payout", "{\"optionAddress\":\"0x" + "cd".repeat(20) + "\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode data = body(response).get("data");
        assertThat(data.get("product").asString()).isEqualTo("CALL_SPREAD");
        assertThat(data.get("numContracts").get("raw").asString()).isEqualTo("23724792");
        assertThat(data.get("atSettlement").get("payout").get("value").asString())
                .isEqualTo("4744.9584");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(body(unknown).get("error").get("code").asString()).isEqualTo("POSITION_NOT_FOUND");
    }

    @Test
    void shouldTurnAnOpenTradeSettledWithPayoutAndPnl() {
        ObjectNode putSpread = (ObjectNode) json.readTree(FixtureUpstream.fixture("history.json"))
                .get("data")
                .get(0);
        ObjectNode stillOpen = putSpread.deepCopy();
        stillOpen
                .put("status", "open")
                .put("optionStatus", "active")
                .putNull("settlement")
                .putNull("closeTimestamp");
        upstream.body(POSITIONS, "{\"data\":[" + stillOpen + "]}");
        upstream.body(HISTORY, "{\"data\":[]}");
        clock.set(java.time.Instant.ofEpochSecond(1779400000L)); // before its expiry
        sync.sync(USER);
        String option = putSpread.get("address").asString();
        assertThat(status(option)).isEqualTo("OPEN");

        upstream.reset();
        clock.set(io.nutsgate.support.MutableClock.FIXTURE_NOW);
        sync.sync(USER);

        assertThat(status(option)).isEqualTo("SETTLED");
        JsonNode trade =
                tradesOf(USER, "status=SETTLED&limit=100").get("trades").get(2); // the oldest
        Eip55.assertChecksummed(trade.get("optionAddress").asString(), option);
        assertThat(trade.get("payout").get("value").asString()).isEqualTo("896.21");
        assertThat(trade.get("payout").get("raw").asString()).isEqualTo("896210000");
        assertThat(trade.get("pnl").get("value").asString()).isEqualTo("610.235");
        assertThat(trade.get("settlementPrice").get("value").asString()).isEqualTo("2342.18");
        assertThat(rows()).isEqualTo(6);
    }

    @Test
    void shouldNeverTurnASettledTradeBackToOpenFromALaggingList() {
        sync.sync(USER);
        ObjectNode putSpread = (ObjectNode) json.readTree(FixtureUpstream.fixture("history.json"))
                .get("data")
                .get(0);
        putSpread.put("status", "open").putNull("settlement");
        upstream.body(POSITIONS, "{\"data\":[" + putSpread + "]}");
        upstream.body(HISTORY, "{\"data\":[]}");

        sync.sync(USER);

        assertThat(status(putSpread.get("address").asString())).isEqualTo("SETTLED");
    }

    @Test
    void shouldChangeNothingWhenTheIndexerFails() {
        upstream.fault(HISTORY, Fault.HTTP_500);
        assertThatThrownBy(() -> sync.sync(USER)).isInstanceOf(ApiException.class);
        assertThat(rows()).isZero();

        upstream.reset();
        sync.sync(USER);
        String before = jdbc.sql("SELECT string_agg(status || updated_at::text, ',' ORDER BY id) FROM trades")
                .query(String.class)
                .single();
        clock.advance(Duration.ofDays(30)); // every open trade would become EXPIRED
        upstream.fault(POSITIONS, Fault.HTML);

        assertThatThrownBy(() -> sync.sync(USER)).isInstanceOf(ApiException.class);
        assertThat(jdbc.sql("SELECT string_agg(status || updated_at::text, ',' ORDER BY id) FROM trades")
                        .query(String.class)
                        .single())
                .isEqualTo(before);
    }

    @Test
    void shouldLeaveExactlyOneRowPerTradeWhenTwoSyncsRace() throws Exception {
        upstream.delay(Duration.ofMillis(300)); // both syncs are inside their fetch at the same time
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<TradeSync.Result>> racers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            racers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return sync.sync(USER);
            }));
        }
        start.countDown();
        int written = 0;
        for (CompletableFuture<TradeSync.Result> racer : racers) {
            written += racer.get(20, TimeUnit.SECONDS).written();
        }

        assertThat(written).isEqualTo(6);
        assertThat(rows()).isEqualTo(6);
        assertThat(jdbc.sql("SELECT count(DISTINCT (entry_tx_hash, option_address)) FROM trades")
                        .query(Long.class)
                        .single())
                .isEqualTo(6);
        assertThat(jdbc.sql("SELECT trades FROM trader_totals WHERE wallet = :w AND collateral_token = :t")
                        .param("w", USER)
                        .param("t", USDC)
                        .query(Long.class)
                        .single())
                .isEqualTo(5);
    }

    @Test
    void shouldSyncRightAfterAnUpdateRequestForThatAddress() {
        HttpResponse<String> update =
                post("/nuts/update", "{\"address\":\"" + USER.toUpperCase().replace("0X", "0x") + "\"}");

        assertThat(update.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> rows() == 6);
        assertThat(jdbc.sql("SELECT last_synced_at IS NOT NULL FROM wallet_activity WHERE address = :a")
                        .param("a", USER)
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    @Test
    void shouldSyncOnScheduleOnlyTheWalletsSeenInTheActiveWindow() {
        String stale = "0x" + "2".repeat(40);
        jdbc.sql("INSERT INTO wallet_activity (address, last_seen_at) VALUES (:a, :t), (:b, :old)")
                .param("a", USER)
                .param("t", clock.instant().atOffset(java.time.ZoneOffset.UTC))
                .param("b", stale)
                .param("old", clock.instant().minus(Duration.ofDays(31)).atOffset(java.time.ZoneOffset.UTC))
                .update();

        sync.syncActive();

        assertThat(rows()).isEqualTo(6);
        assertThat(upstream.hits(POSITIONS)).isEqualTo(1);
        assertThat(upstream.hits("/book/user/" + stale + "/positions")).isZero();
    }

    @Test
    void shouldRunTheScheduledSyncOnOneInstanceAtATime() throws Exception {
        jdbc.sql("INSERT INTO wallet_activity (address, last_seen_at) VALUES (:a, :t)")
                .param("a", USER)
                .param("t", clock.instant().atOffset(java.time.ZoneOffset.UTC))
                .update();

        // another instance is in the middle of its run: it holds the job's lock (its ShedLock row, lease ahead)
        jdbc.sql("INSERT INTO shedlock (name, lock_until, locked_at, locked_by) VALUES ('trade-sync',"
                        + " timezone('utc', now()) + interval '1 hour', timezone('utc', now()), 'other-instance')"
                        + " ON CONFLICT (name) DO UPDATE SET lock_until = EXCLUDED.lock_until,"
                        + " locked_at = EXCLUDED.locked_at, locked_by = EXCLUDED.locked_by")
                .update();
        sync.syncActiveAlone();
        assertThat(upstream.hits(POSITIONS)).isZero();
        assertThat(rows()).isZero();

        // it dies mid-run: its lease runs out and the next run here takes the lock
        jdbc.sql("UPDATE shedlock SET lock_until = timezone('utc', now()) - interval '1 second'"
                        + " WHERE name = 'trade-sync'")
                .update();
        sync.syncActiveAlone();

        assertThat(upstream.hits(POSITIONS)).isEqualTo(1);
        assertThat(rows()).isEqualTo(6);
    }

    @Test
    void shouldPageAWalletsTradesNewestFirstWithACursor() {
        sync.sync(USER);

        JsonNode first = tradesOf(USER, "limit=4");
        JsonNode second =
                tradesOf(USER, "limit=4&cursor=" + first.get("nextCursor").asString());

        List<Long> created = new ArrayList<>();
        first.get("trades").forEach(t -> created.add(t.get("createdAt").asLong()));
        second.get("trades").forEach(t -> created.add(t.get("createdAt").asLong()));
        assertThat(first.get("trades")).hasSize(4);
        assertThat(second.get("trades")).hasSize(2);
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(created).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(created).doesNotHaveDuplicates();
        assertThat(tradesOf(USER, "status=open").get("trades")).hasSize(3);
        JsonNode trade = first.get("trades").get(0);
        assertThat(trade.get("side").asString()).isEqualTo("BUYER");
        assertThat(trade.get("product").asString()).isEqualTo("IRON_CONDOR");
        assertThat(trade.get("strikes").get(0).get("value").asString()).isEqualTo("2200");
        assertThat(trade.get("premium").get("value").asString()).isEqualTo("499.999986");
        assertThat(trade.get("collateral").get("symbol").asString()).isEqualTo("USDC");
    }

    @Test
    void shouldSayWhoTradesWithAWalletAndWhetherTheirFidIsVerified() {
        sync.sync(USER);
        assertThat(tradesOf(USER, "limit=1").get("trader").isNull())
                .as("a wallet without a profile")
                .isTrue();
        put("/users/me", "{\"username\":\"alice\"}", "Authorization", "Bearer " + farcasterToken(3621));
        jdbc.sql("INSERT INTO wallets (address, user_id, verified_at) SELECT :a, id, now() FROM users")
                .param("a", USER)
                .update();

        JsonNode trader = tradesOf(USER, "limit=1").get("trader");

        assertThat(trader.get("fid").asLong()).isEqualTo(3621);
        assertThat(trader.get("fidVerified").asBoolean()).isTrue();
        assertThat(trader.get("username").asString()).isEqualTo("alice");
    }

    @Test
    void shouldRejectBadTradeQueries() {
        for (String query : List.of(
                "/nuts/users/0x123/trades",
                "/nuts/users/" + USER + "/trades?status=WON",
                "/nuts/users/" + USER + "/trades?limit=0",
                "/nuts/users/" + USER + "/trades?limit=101",
                "/nuts/users/" + USER + "/trades?limit=abc",
                "/nuts/users/" + USER + "/trades?cursor=bm9wZQ",
                "/nuts/users/" + USER + "/trades?cursor=%25%25")) {
            HttpResponse<String> response = get(query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(errorCode(response)).as(query).isIn("INVALID_ADDRESS", "INVALID_PARAMETER");
        }
    }

    @Test
    void shouldSummariseAWalletPerCollateralToken() {
        sync.sync(USER);

        JsonNode summary = body(get("/nuts/users/" + USER + "/summary")).get("data");

        assertThat(summary.get("trades").asLong()).isEqualTo(6);
        assertThat(summary.get("openCount").asLong()).isEqualTo(3);
        JsonNode usdc = collateral(summary.get("byCollateral"), USDC);
        assertThat(usdc.get("volume").get("raw").asString()).isEqualTo("3816614771");
        assertThat(usdc.get("volume").get("value").asString()).isEqualTo("3816.614771");
        assertThat(usdc.get("realisedPnl").get("raw").asString()).isEqualTo("579595000");
        assertThat(usdc.get("feesPaid").get("raw").asString()).isEqualTo("274493427");
        assertThat(usdc.get("openCount").asLong()).isEqualTo(3);
        JsonNode weth = collateral(summary.get("byCollateral"), WETH);
        assertThat(weth.get("realisedPnl").get("value").asString()).isEqualTo("0.021022727272727272");
        assertThat(body(get("/nuts/users/0x" + "3".repeat(40) + "/summary"))
                        .get("data")
                        .get("trades")
                        .asLong())
                .isZero();
    }

    private JsonNode tradesOf(String wallet, String query) {
        HttpResponse<String> response = get("/nuts/users/" + wallet + "/trades?" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return body(response).get("data");
    }

    private static JsonNode collateral(JsonNode entries, String token) {
        for (JsonNode entry : entries) {
            if (entry.get("collateral").get("address").asString().equalsIgnoreCase(token)) {
                return entry;
            }
        }
        throw new AssertionError("no entry for " + token + " in " + entries);
    }
}
