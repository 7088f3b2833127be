package io.nutsgate.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.Eip55;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.PersistenceTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class LeaderboardIT extends PersistenceTest {

    private static final String USDC = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913";
    private static final String USDC_CHECKSUMMED = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
    private static final String WETH = "0x4200000000000000000000000000000000000006";
    private static final String TWIN = "0x" + "ab".repeat(20);
    private static final String SMALL = "0x" + "cd".repeat(20);

    @Autowired
    LeaderboardWindows windows;

    private long rowsOf(String wallet) {
        return jdbc.sql("SELECT count(*) FROM trades WHERE wallet = :w")
                .param("w", wallet)
                .query(Long.class)
                .single();
    }

    /** Records {@code wallet}'s trades the way the service does after a trade: POST /nuts/update, then the sync. */
    private void recordTrades(String wallet, long expectedRows) {
        HttpResponse<String> update = post("/nuts/update", "{\"address\":\"" + wallet + "\"}");
        assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> rowsOf(wallet) == expectedRows);
    }

    /**
     * The fixture's fills made by {@code wallet} instead of USER, under transaction hashes of their own (their first
     * 8 hex digits replaced by {@code txPrefix}, which no fixture hash starts with).
     */
    private static String fixtureOf(String name, String wallet, String txPrefix) {
        return FixtureUpstream.fixture(name)
                .replace(USER, wallet)
                .replaceAll("(\"entryTxHash\": \"0x)[0-9a-f]{8}", "$1" + txPrefix);
    }

    @Test
    void shouldNameTheLeaderboardTokenBeforeAnyTrade() {
        JsonNode data = body(get("/nuts/leaderboard?window=all&metric=pnl")).get("data");

        assertThat(data.get("entries")).isEmpty();
        assertThat(data.get("collateral").get("symbol").asString()).isEqualTo("USDC");
        // as Circle publishes it
        assertThat(data.get("collateral").get("address").asString()).isEqualTo(USDC_CHECKSUMMED);
        assertThat(data.get("collateral").get("decimals").asInt()).isEqualTo(6);
    }

    @Test
    void shouldRankWalletsWithTheirFarcasterProfile() {
        put("/users/me", "{\"username\":\"alice\"}", "Authorization", "Bearer " + farcasterToken(3621));
        jdbc.sql("INSERT INTO wallets (address, user_id, verified_at) SELECT :a, id, now() FROM users")
                .param("a", USER)
                .update();
        recordTrades(USER, 6);
        windows.refresh();

        JsonNode allVolume =
                body(get("/nuts/leaderboard?window=all&metric=volume")).get("data");
        JsonNode weekVolume = body(get("/nuts/leaderboard?window=7d")).get("data");
        JsonNode monthPnl = body(get("/nuts/leaderboard?window=30d&metric=pnl")).get("data");
        JsonNode weekPnl = body(get("/nuts/leaderboard?window=7d&metric=pnl")).get("data");

        JsonNode top = allVolume.get("entries").get(0);
        assertThat(top.get("rank").asInt()).isEqualTo(1);
        Eip55.assertChecksummed(top.get("address").asString(), USER);
        assertThat(top.get("fid").asLong()).isEqualTo(3621);
        assertThat(top.get("fidVerified").asBoolean()).isTrue();
        assertThat(top.get("username").asString()).isEqualTo("alice");
        assertThat(top.get("value").get("raw").asString()).isEqualTo("3816614771");
        assertThat(allVolume.get("collateral").get("symbol").asString()).isEqualTo("USDC");
        // The three open fills were entered within the last 7 days.
        assertThat(weekVolume.get("entries").get(0).get("value").get("raw").asString())
                .isEqualTo(String.valueOf(999999982L + 1999999803L + 499999986L));
        assertThat(monthPnl.get("entries").get(0).get("value").get("value").asString())
                .isEqualTo("579.595");
        // Only the BTC call spread (USDC) settled within the last 7 days.
        assertThat(weekPnl.get("entries").get(0).get("value").get("value").asString())
                .isEqualTo("-30.64");
        JsonNode wethBoard = body(get("/nuts/leaderboard?window=all&metric=pnl&collateral=" + WETH))
                .get("data");
        assertThat(wethBoard.get("entries").get(0).get("value").get("value").asString())
                .isEqualTo("0.021022727272727272");
    }

    @Test
    void shouldRankEqualValuesEquallyAndSkipTheNextRank() {
        upstream.body("/book/user/" + TWIN + "/positions", fixtureOf("positions.json", TWIN, "77777777"));
        upstream.body("/book/user/" + TWIN + "/history", fixtureOf("history.json", TWIN, "77777777"));
        upstream.body("/book/user/" + SMALL + "/positions", "{\"data\":[]}");
        upstream.body("/book/user/" + SMALL + "/history", fixtureOf("history.json", SMALL, "88888888"));
        recordTrades(USER, 6);
        recordTrades(TWIN, 6);
        recordTrades(SMALL, 3);
        windows.refresh();

        // USER and TWIN made the same fills: 3,816.614771 USDC of premiums in all, 3,499.999771 in the open fills
        // entered within the last 7 days; SMALL only the settled ones, 316.615 USDC (2 of the 3 are in USDC).
        assertThat(ranking("all")).containsExactly("1:3816614771", "1:3816614771", "3:316615000");
        assertThat(ranking("7d")).containsExactly("1:3499999771", "1:3499999771");
    }

    /** "rank:raw volume" of each entry of a volume leaderboard. */
    private List<String> ranking(String window) {
        List<String> ranking = new ArrayList<>();
        body(get("/nuts/leaderboard?metric=volume&window=" + window))
                .get("data")
                .get("entries")
                .forEach(e -> ranking.add(
                        e.get("rank").asInt() + ":" + e.get("value").get("raw").asString()));
        return ranking;
    }

    @Test
    void shouldAcceptTheCollateralAsSymbolInAnyCaseOrAsAddressInAnyCase() {
        recordTrades(USER, 6);
        windows.refresh();

        List<String> answers = new ArrayList<>();
        for (String collateral : List.of(
                "USDC",
                "usdc",
                "Usdc",
                USDC,
                USDC_CHECKSUMMED,
                USDC.toUpperCase(Locale.ROOT).replace("0X", "0x"))) {
            HttpResponse<String> response = get("/nuts/leaderboard?window=all&collateral=" + collateral);
            assertThat(response.statusCode()).as(collateral).isEqualTo(200);
            answers.add(body(response).get("data").toString());
        }
        assertThat(answers).as("one answer for every spelling").containsOnly(answers.get(0));
        assertThat(answers.get(0)).contains("3816614771");
        HttpResponse<String> weth = get("/nuts/leaderboard?window=all&metric=pnl&collateral=weth");
        assertThat(body(weth).get("data").get("collateral").get("symbol").asString())
                .isEqualTo("WETH");
        HttpResponse<String> unknown = get("/nuts/leaderboard?collateral=DOGECOIN");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(errorCode(unknown)).isEqualTo("INVALID_PARAMETER");
        assertThat(body(unknown).get("error").get("message").asString()).startsWith("collateral ");
    }

    @Test
    void shouldServeTheWindowedLeaderboardsAsOfTheirLastRefresh() {
        windows.refresh();
        recordTrades(USER, 6);

        JsonNode before = body(get("/nuts/leaderboard?window=30d")).get("data");
        clock.advance(Duration.ofMinutes(1));
        windows.refresh();
        JsonNode after = body(get("/nuts/leaderboard?window=30d")).get("data");

        assertThat(before.get("entries")).isEmpty();
        assertThat(after.get("entries")).hasSize(1);
        // 2026-06-03T10:01:00Z
        assertThat(after.get("asOf").isIntegralNumber()).isTrue();
        assertThat(after.get("asOf").asLong()).isEqualTo(1780480860L);
    }

    @Test
    void shouldSummariseTheReferrer() {
        windows.refresh(); // a first refresh over no trades, so the next one only recomputes the days that changed
        recordTrades(USER, 6);
        windows.refresh();

        JsonNode summary = body(get("/nuts/referrer/summary")).get("data");
        JsonNode week = body(get("/nuts/referrer/summary?window=7d")).get("data");

        Eip55.assertChecksummed(summary.get("referrer").asString(), REFERRER);
        assertThat(summary.get("trades").asLong()).isEqualTo(6);
        assertThat(summary.get("uniqueTraders").asLong()).isEqualTo(1);
        assertThat(summary.get("byUnderlyingAndProduct")).hasSize(6);
        JsonNode usdcFees = collateral(summary.get("fees"), USDC);
        assertThat(usdcFees.get("fees").get("raw").asString()).isEqualTo("274493427");
        long perDay = 0;
        for (JsonNode day : summary.get("tradesPerDay")) {
            perDay += day.get("trades").asLong();
        }
        assertThat(perDay).isEqualTo(6);
        assertThat(week.get("trades").asLong()).isEqualTo(3);
        JsonNode today = week.get("tradesPerDay").get(0);
        assertThat(today.get("date").asString()).isEqualTo("2026-06-03");
        assertThat(today.get("startsAt").asLong()).isEqualTo(1780444800L); // 2026-06-03T00:00:00Z
        assertThat(week.get("uniqueTraders").asLong()).isEqualTo(1);
        JsonNode ethCallSpread = summary.get("byUnderlyingAndProduct").get(2); // after BTC CALL_SPREAD, BTC PUT_FLY
        assertThat(ethCallSpread.get("underlying").asString()).isEqualTo("ETH");
        assertThat(ethCallSpread.get("product").asString()).isEqualTo("CALL_SPREAD");
        assertThat(ethCallSpread.get("volume").get("value").asString()).isEqualTo("999.999982");
    }

    @Test
    void shouldRejectBadLeaderboardQueriesNamingTheParameter() {
        for (String[] query : new String[][] {
            {"/nuts/leaderboard?window=1y", "window"},
            {"/nuts/leaderboard?metric=luck", "metric"},
            {"/nuts/leaderboard?limit=0", "limit"},
            {"/nuts/leaderboard?limit=abc", "limit"},
            {"/nuts/leaderboard?collateral=0x12", "collateral"},
            {"/nuts/leaderboard?collateral=dogecoin", "collateral"},
            {"/nuts/referrer/summary?window=forever", "window"}
        }) {
            HttpResponse<String> response = get(query[0]);
            assertThat(response.statusCode()).as(query[0]).isEqualTo(400);
            assertThat(errorCode(response)).as(query[0]).isIn("INVALID_ADDRESS", "INVALID_PARAMETER");
            assertThat(body(response).get("error").get("message").asString())
                    .as(query[0])
                    .containsPattern("\\b" + query[1] + "\\b");
        }
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
