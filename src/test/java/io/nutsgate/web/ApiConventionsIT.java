package io.nutsgate.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.leaderboard.LeaderboardWindows;
import io.nutsgate.support.ApiShapes;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.PersistenceTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.web3j.crypto.Hash;
import tools.jackson.databind.JsonNode;

/**
 * The API's conventions, checked on the JSON of every endpoint (fixture upstream, trades recorded through the
 * service's own sync): amounts are exactly {raw, value} with value = raw / 10^decimals, addresses are EIP-55
 * (checked by {@link Eip55}, written from the EIP), timestamps are integers (ISO-8601 only beside them), no amount
 * hides as a bare number; near-miss paths answer the closest endpoint; every 4xx names what is wrong.
 */
class ApiConventionsIT extends PersistenceTest {

    private static final String OPTION = "0xf7cd8539121aececfa63c6ca40dcc6da770ae954";

    @Autowired
    LeaderboardWindows windows;

    private final ApiShapes shapes = new ApiShapes();

    @Test
    void shouldWriteAmountsAddressesAndTimestampsOneWayInEveryAnswer() {
        Map<String, JsonNode> answers = everyAnswer();

        answers.forEach(shapes::walk);

        assertThat(shapes.violations()).isEmpty();
        // the walk really saw the shapes it checks (a walk over empty answers would prove nothing)
        assertThat(shapes.amounts()).isGreaterThan(300);
        assertThat(shapes.addresses()).isGreaterThan(60);
        assertThat(shapes.timestamps()).isGreaterThan(40);
    }

    @Test
    void shouldAnswerNearMissPathsWithTheClosestEndpoint() {
        record NearMiss(String method, String path, String closest) {}
        for (NearMiss miss : List.of(
                new NearMiss("GET", "/nuts/orders/", "GET /nuts/orders"),
                new NearMiss("GET", "/nuts/Orders", "GET /nuts/orders"),
                new NearMiss("GET", "/nuts/leaderbord", "GET /nuts/leaderboard"),
                new NearMiss("GET", "/nuts/users/" + USER + "/trade", "GET /nuts/users/{address}/trades"),
                new NearMiss("POST", "/nuts/payouts", "POST /nuts/payout"),
                new NearMiss("POST", "/nuts/positions/", "POST /nuts/positions"))) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(miss.path()))
                    .header("Content-Type", "application/json")
                    .method(miss.method(), HttpRequest.BodyPublishers.ofString("{}"))
                    .build());

            assertThat(response.statusCode()).as(miss.path()).isEqualTo(404);
            assertThat(errorCode(response)).isEqualTo("NOT_FOUND");
            String message = body(response).get("error").get("message").asString();
            assertThat(message)
                    .as(miss.path())
                    .contains("did you mean " + miss.closest() + "?")
                    .contains("POST /nuts/orders/{id}/fill-plan", "GET /nuts/leaderboard", "GET /users/{fid}");
        }
        String far = body(get("/totally/elsewhere")).get("error").get("message").asString();
        assertThat(far)
                .doesNotContain("did you mean")
                .contains("GET /nuts/orders")
                .contains("GET /docs", "GET /demo/", "GET /dashboard/");
    }

    @Test
    void shouldNameTheOffendingFieldOrParameterInEveryClientError() {
        String order = orderId(0);
        String feedOrder = feedOrder(0).get("order").toString();
        record Bad(String method, String path, String body, int status, String names) {}
        List<Bad> cases = List.of(
                new Bad("GET", "/nuts/orders?isCall=maybe", null, 400, "isCall"),
                new Bad("GET", "/nuts/orders?maxExpiry=soon", null, 400, "maxExpiry"),
                new Bad("GET", "/nuts/orders?collateral=0x12", null, 400, "collateral"),
                new Bad("GET", "/nuts/orders/0x12/payoff", null, 400, "id"),
                new Bad("GET", "/nuts/orders/0x" + "0".repeat(64) + "/payoff", null, 404, "id"),
                new Bad("GET", "/nuts/orders/" + order + "/payoff?points=abc", null, 400, "points"),
                new Bad("GET", "/nuts/orders/" + order + "/payoff?points=5000", null, 400, "points"),
                new Bad("GET", "/nuts/orders/" + order + "/payoff?usdcAmount=-1", null, 400, "usdcAmount"),
                new Bad("GET", "/nuts/orders/" + order + "/payoff?from=3000&to=2000", null, 400, "to"),
                new Bad(
                        "POST",
                        "/nuts/orders/" + order + "/fill-plan",
                        "{\"usdcAmount\":\"1\",\"numContracts\":\"1\"}",
                        400,
                        "usdcAmount"),
                new Bad(
                        "POST",
                        "/nuts/orders/" + order + "/fill-plan",
                        "{\"usdcAmount\":\"1\",\"taker\":\"0x12\"}",
                        400,
                        "taker"),
                new Bad(
                        "POST",
                        "/nuts/orders/" + order + "/fill-plan",
                        "{\"usdcAmount\":{\"a\":1}}",
                        400,
                        "usdcAmount"),
                new Bad("POST", "/nuts/payout", "{}", 400, "orderId"),
                new Bad("POST", "/nuts/payout", "{\"orderId\":\"0x12\"}", 400, "orderId"),
                new Bad(
                        "POST",
                        "/nuts/payout",
                        "{\"orderId\":\"" + order + "\",\"numContracts\":\"1.1234567\"}",
                        400,
                        "numContracts"),
                new Bad(
                        "POST",
                        "/nuts/payout",
                        "{\"orderId\":\"" + order + "\",\"settlementPrice\":\"high\"}",
                        400,
                        "settlementPrice"),
                new Bad("POST", "/nuts/payout", "{\"order\":" + feedOrder + "}", 400, "numContracts"),
                new Bad("POST", "/nuts/payout", "{\"optionAddress\":\"0xzz\"}", 400, "optionAddress"),
                new Bad(
                        "POST",
                        "/nuts/payout",
                        "{\"optionAddress\":\"" + OPTION + "\",\"owner\":\"me\"}",
                        400,
                        "owner"),
                new Bad(
                        "POST",
                        "/nuts/payout",
                        "{\"optionAddress\":\"0x" + "cd".repeat(20) + "\"}",
                        404,
                        "optionAddress"),
                new Bad("POST", "/nuts/positions", "{\"address\":\"0x5a0b\"}", 400, "address"),
                new Bad("POST", "/nuts/positions", "{\"address\":\"" + USER + "\",\"type\":\"closed\"}", 400, "type"),
                new Bad(
                        "POST",
                        "/nuts/positions",
                        "{\"address\":\"" + USER + "\",\"filterByReferrer\":{\"a\":1}}",
                        400,
                        "filterByReferrer"),
                new Bad("POST", "/nuts/update", "{\"address\":\"nope\"}", 400, "address"),
                new Bad("GET", "/nuts/users/0x123/trades", null, 400, "address"),
                new Bad("GET", "/nuts/users/" + USER + "/trades?status=WON", null, 400, "status"),
                new Bad("GET", "/nuts/users/" + USER + "/trades?limit=0", null, 400, "limit"),
                new Bad("GET", "/nuts/users/" + USER + "/trades?limit=abc", null, 400, "limit"),
                new Bad("GET", "/nuts/users/" + USER + "/trades?cursor=bm9wZQ", null, 400, "cursor"),
                new Bad("GET", "/nuts/users/0x123/summary", null, 400, "address"),
                new Bad("GET", "/nuts/leaderboard?metric=luck", null, 400, "metric"),
                new Bad("GET", "/nuts/referrer/summary?window=forever", null, 400, "window"),
                new Bad("GET", "/users/0", null, 400, "fid"),
                new Bad("DELETE", "/nuts/orders", null, 405, "/nuts/orders"));
        clock.set(Instant.ofEpochSecond(1780480790L)); // the quotes have more than a minute left
        for (Bad bad : cases) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(bad.path()));
            if (bad.body() != null) {
                request.header("Content-Type", "application/json")
                        .method(bad.method(), HttpRequest.BodyPublishers.ofString(bad.body()));
            } else {
                request.method(bad.method(), HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = send(request.build());
            String what = bad.method() + " " + bad.path() + " " + bad.body();

            assertThat(response.statusCode()).as(what + " → " + response.body()).isEqualTo(bad.status());
            assertThat(body(response).get("success").asBoolean()).isFalse();
            assertThat(body(response).get("error").get("message").asString())
                    .as(what)
                    .containsPattern("(^|[^A-Za-z])" + Pattern.quote(bad.names()) + "([^A-Za-z]|$)");
        }
        HttpResponse<String> plainText = send(HttpRequest.newBuilder(uri("/nuts/positions"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))
                .build());
        assertThat(plainText.statusCode()).isEqualTo(415);
        assertThat(body(plainText).get("error").get("message").asString()).contains("Content-Type");
    }

    @Test
    void shouldDescribeTheApiInOpenApiWithTitleVersionAndConventions() {
        JsonNode docs = body(get("/v3/api-docs"));
        JsonNode info = docs.get("info");

        assertThat(info.get("title").asString()).isEqualTo("nutsgate API");
        assertThat(info.get("version").asString()).isNotBlank().isNotEqualTo("v0");
        assertThat(info.get("description").asString())
                .contains("{\"raw\",\"value\"}", "EIP-55", "unix seconds", "competition ranking");
        assertThat(docs.get("components").get("schemas").get("Amount").toString())
                .contains("raw", "value");
        assertThat(docs.toString()).doesNotContain("\"format\":\"date-time\"");
    }

    // ---------------------------------------------------------------------------------------------- the walk

    /** One answer of every endpoint, all 200, over trades recorded by the service and a signed-in user. */
    private Map<String, JsonNode> everyAnswer() {
        HttpResponse<String> update = post("/nuts/update", "{\"address\":\"" + USER + "\"}");
        assertThat(update.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("SELECT count(*) FROM trades")
                                .query(Long.class)
                                .single()
                        == 6);
        windows.refresh();
        var alice = key(7);
        String message = message(alice, nonce());
        HttpResponse<String> verified = post("/auth/verify", proof(message, sign(message, alice)));
        String auth = "Bearer " + body(verified).get("data").get("token").asString();

        Map<String, JsonNode> answers = new LinkedHashMap<>();
        answers.put("POST /nuts/update", ok(update));
        answers.put("POST /auth/verify", ok(verified));
        answers.put("GET /auth/nonce", ok(get("/auth/nonce")));
        answers.put(
                "PUT /users/me",
                ok(put(
                        "/users/me",
                        "{\"fid\":77,\"username\":\"alice\"}",
                        "Authorization",
                        "Bearer " + farcasterToken(77))));
        answers.put("GET /users/77", ok(get("/users/77")));
        answers.put("GET /users/me", ok(get("/users/me", "Authorization", "Bearer " + farcasterToken(77))));
        answers.put("GET /nuts/config", ok(get("/nuts/config")));
        answers.put(
                "POST /nuts/positions",
                ok(post(
                        "/nuts/positions",
                        "{\"address\":\"" + USER + "\",\"type\":\"all\",\"filterByReferrer\":false}")));
        answers.put("GET /nuts/users/{address}/trades", ok(get("/nuts/users/" + USER + "/trades?limit=100")));
        answers.put("GET /nuts/users/{address}/summary", ok(get("/nuts/users/" + USER + "/summary")));
        for (String window : List.of("7d", "30d", "all")) {
            for (String metric : List.of("volume", "pnl")) {
                String path = "/nuts/leaderboard?window=" + window + "&metric=" + metric;
                answers.put("GET " + path, ok(get(path)));
            }
            String summary = "/nuts/referrer/summary?window=" + window;
            answers.put("GET " + summary, ok(get(summary)));
        }
        answers.put(
                "POST /nuts/payout recorded",
                ok(post("/nuts/payout", "{\"optionAddress\":\"" + OPTION + "\",\"settlementPrice\":\"2700\"}")));
        answers.put(
                "POST /nuts/payout owner",
                ok(post(
                        "/nuts/payout",
                        "{\"optionAddress\":\"" + OPTION.toUpperCase().replace("0X", "0x") + "\",\"owner\":\"" + USER
                                + "\"}")));

        clock.set(Instant.ofEpochSecond(1780480790L)); // the quotes have more than a minute left
        answers.put("GET /nuts/orders", ok(get("/nuts/orders")));
        answers.put("GET /nuts/orders?collateral=usdc", ok(get("/nuts/orders?collateral=usdc")));
        for (int i = 0; i < 3; i++) {
            String path = "/nuts/orders/" + orderId(i) + "/payoff?usdcAmount=1000";
            answers.put("GET " + path, ok(get(path)));
            answers.put(
                    "POST fill-plan " + i,
                    ok(post(
                            "/nuts/orders/" + orderId(i) + "/fill-plan",
                            "{\"usdcAmount\":\"1000\",\"taker\":\"" + USER + "\"}")));
            answers.put(
                    "POST /nuts/payout orderId " + i,
                    ok(post("/nuts/payout", "{\"orderId\":\"" + orderId(i) + "\",\"settlementPrice\":\"2650\"}")));
        }
        answers.put(
                "POST /nuts/payout order",
                ok(post(
                        "/nuts/payout",
                        "{\"order\":" + feedOrder(0).get("order")
                                + ",\"numContracts\":\"2.5\",\"settlementPrice\":\"2650\"}")));
        // chain disabled here (no BASE_RPC_URL): the indexer says so; ChainIndexerIT walks the chain answers on a
        // devnet
        answers.put("GET /nuts/indexer", ok(get("/nuts/indexer")));
        // the indexer's stats are passed through as it gives them: answered, not walked
        ok(get("/nuts/stats"));
        ok(get("/nuts/referrer/stats"));
        return answers;
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return body(response);
    }

    // ---------------------------------------------------------------------------------------------- fixtures

    private static JsonNode feedOrder(int i) {
        return json.readTree(FixtureUpstream.fixture("orders.json"))
                .get("data")
                .get("orders")
                .get(i);
    }

    /** An order's id as the API defines it: keccak-256 of the maker's signature. */
    private static String orderId(int i) {
        return Hash.sha3(feedOrder(i).get("signature").asString());
    }
}
