package io.nutsgate.trades;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.leaderboard.LeaderboardWindows;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.PersistenceTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Both sides of a fill between two wallets we follow are kept (one row per fill, wallet and side), and trades in
 * put structures listed descending (REFERENCE §4.1a) are stored, valued and ranked like the same trades listed
 * ascending. Expected numbers come from the fixtures' indexer amounts (REFERENCE §10), not from our math.
 */
class TradeSidesIT extends PersistenceTest {

    /** The seller of every fixture fill (the maker of the fixture orders). */
    private static final String MAKER = "0x3f1c2b9a7d0e4c5b8a6f9e1d2c3b4a5968778695";

    private static final String USDC = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913";

    @Autowired
    TradeSync sync;

    @Autowired
    LeaderboardWindows windows;

    private long rows(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private JsonNode data(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return body(response).get("data");
    }

    @Test
    void shouldKeepBothSidesOfAFillWhenBuyerAndSellerAreFollowed() {
        TradeSync.Result buyer = sync.sync(USER);
        TradeSync.Result seller = sync.sync(MAKER);
        TradeSync.Result again = sync.sync(MAKER);

        assertThat(buyer.written()).isEqualTo(6);
        assertThat(seller.written()).isEqualTo(6);
        assertThat(again.written()).isZero();
        assertThat(rows("SELECT count(*) FROM trades")).isEqualTo(12);
        assertThat(rows("SELECT count(DISTINCT (entry_tx_hash, option_address)) FROM trades"))
                .isEqualTo(6);
        assertThat(rows("SELECT count(*) FROM trades WHERE wallet = '" + MAKER + "' AND side = 'SELLER'"))
                .isEqualTo(6);

        JsonNode makerTrades = data(get("/nuts/users/" + MAKER + "/trades?status=SETTLED&limit=100"));
        assertThat(makerTrades.get("trades")).hasSize(3);
        makerTrades.get("trades").forEach(t -> assertThat(t.get("side").asString())
                .isEqualTo("SELLER"));
        JsonNode userSummary = data(get("/nuts/users/" + USER + "/summary"));
        JsonNode makerSummary = data(get("/nuts/users/" + MAKER + "/summary"));
        // the fixtures' settled USDC fills: the buyer made 610.235 − 30.64, the seller lost that plus both fees
        // (22.181616 + 3.83): buyer P&L + seller P&L = −fee on every fill
        assertThat(usdc(userSummary).get("realisedPnl").get("raw").asString()).isEqualTo("579595000");
        assertThat(usdc(makerSummary).get("realisedPnl").get("raw").asString()).isEqualTo("-605606616");
        assertThat(usdc(makerSummary).get("volume").get("raw").asString()).isEqualTo("3816614771");
    }

    @Test
    void shouldCountAFillOnceInTheReferrerSummaryWhenBothSidesAreKept() {
        windows.refresh();
        sync.sync(USER);
        sync.sync(MAKER);
        windows.refresh();

        JsonNode summary = data(get("/nuts/referrer/summary"));

        assertThat(summary.get("trades").asLong()).isEqualTo(6);
        assertThat(summary.get("uniqueTraders").asLong()).isEqualTo(2);
        JsonNode fees = null;
        for (JsonNode entry : summary.get("fees")) {
            if (entry.get("collateral").get("address").asString().equalsIgnoreCase(USDC)) {
                fees = entry;
            }
        }
        assertThat(fees).isNotNull();
        assertThat(fees.get("fees").get("raw").asString()).isEqualTo("274493427");
        long perDay = 0;
        for (JsonNode day : summary.get("tradesPerDay")) {
            perDay += day.get("trades").asLong();
        }
        assertThat(perDay).isEqualTo(6);
    }

    @Test
    void shouldStoreValueAndRankADescendingPutSpreadLikeTheAscendingOne() {
        // the settled fixture put spread 2300/2400 × 15.5 (payout 896.21 at 2,342.18), held by two wallets: one
        // listed descending as real indexers list put spreads, one ascending
        String descendingWallet = "0x" + "d".repeat(40), ascendingWallet = "0x" + "a".repeat(40);
        String descendingOption = "0x" + "1d".repeat(20), ascendingOption = "0x" + "1a".repeat(20);
        serveSettledPutSpread(descendingWallet, descendingOption, "0x" + "d1".repeat(32), true);
        serveSettledPutSpread(ascendingWallet, ascendingOption, "0x" + "a1".repeat(32), false);
        sync.sync(descendingWallet);
        sync.sync(ascendingWallet);
        windows.refresh();

        JsonNode descTrade = data(get("/nuts/users/" + descendingWallet + "/trades"))
                .get("trades")
                .get(0);
        JsonNode ascTrade = data(get("/nuts/users/" + ascendingWallet + "/trades"))
                .get("trades")
                .get(0);
        assertThat(values(descTrade.get("strikes"))).containsExactly("2400", "2300");
        assertThat(values(ascTrade.get("strikes"))).containsExactly("2300", "2400");
        for (JsonNode trade : List.of(descTrade, ascTrade)) {
            assertThat(trade.get("payout").get("value").asString()).isEqualTo("896.21");
            assertThat(trade.get("pnl").get("value").asString()).isEqualTo("610.235"); // 896.21 − 285.975
        }

        JsonNode descValue = data(post("/nuts/payout", "{\"optionAddress\":\"" + descendingOption + "\"}"));
        JsonNode ascValue = data(post("/nuts/payout", "{\"optionAddress\":\"" + ascendingOption + "\"}"));
        assertThat(values(descValue.get("strikes"))).containsExactly("2400", "2300");
        for (JsonNode value : List.of(descValue, ascValue)) {
            assertThat(value.get("product").asString()).isEqualTo("PUT_SPREAD");
            assertThat(value.get("collateral").get("value").asString()).isEqualTo("1550");
            assertThat(value.get("atSettlement").get("payout").get("value").asString())
                    .isEqualTo("896.21");
            assertThat(value.get("atSettlement")
                            .get("sellerReturn")
                            .get("value")
                            .asString())
                    .isEqualTo("653.79");
            assertThat(value.get("atSettlement")
                            .get("profit")
                            .get("buyer")
                            .get("value")
                            .asString())
                    .isEqualTo("610.235");
        }
        assertThat(withoutIdentity(descValue)).isEqualTo(withoutIdentity(ascValue));

        JsonNode board = data(get("/nuts/leaderboard?window=all&metric=pnl")).get("entries");
        JsonNode month = data(get("/nuts/leaderboard?window=30d&metric=pnl")).get("entries");
        for (JsonNode entries : List.of(board, month)) {
            assertThat(entries).hasSize(2);
            List<String> wallets = new ArrayList<>();
            entries.forEach(e -> {
                wallets.add(e.get("address").asString().toLowerCase(java.util.Locale.ROOT));
                assertThat(e.get("value").get("value").asString()).isEqualTo("610.235");
            });
            assertThat(wallets).containsExactlyInAnyOrder(descendingWallet, ascendingWallet);
        }
    }

    private void serveSettledPutSpread(String wallet, String option, String txHash, boolean descending) {
        ObjectNode putSpread = (ObjectNode) json.readTree(FixtureUpstream.fixture("history.json"))
                .get("data")
                .get(0);
        putSpread.put("address", option).put("buyer", wallet).put("entryTxHash", txHash);
        if (descending) {
            putSpread.putArray("strikes").add("240000000000").add("230000000000");
        }
        upstream.body("/book/user/" + wallet + "/positions", "{\"data\":[]}");
        upstream.body("/book/user/" + wallet + "/history", "{\"data\":[" + putSpread + "]}");
    }

    private static JsonNode withoutIdentity(JsonNode data) {
        ObjectNode copy = (ObjectNode) data.deepCopy();
        copy.remove("optionAddress");
        copy.remove("strikes");
        return copy;
    }

    private static List<String> values(JsonNode amounts) {
        List<String> values = new ArrayList<>();
        amounts.forEach(a -> values.add(a.get("value").asString()));
        return values;
    }

    private static JsonNode usdc(JsonNode summary) {
        for (JsonNode entry : summary.get("byCollateral")) {
            if (entry.get("collateral").get("address").asString().equalsIgnoreCase(USDC)) {
                return entry;
            }
        }
        throw new AssertionError("no USDC entry in " + summary);
    }
}
