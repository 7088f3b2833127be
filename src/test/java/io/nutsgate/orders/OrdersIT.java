package io.nutsgate.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.Eip55;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.FixtureUpstream.Fault;
import io.nutsgate.support.GatewayTest;
import io.nutsgate.support.Vectors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class OrdersIT extends GatewayTest {

    @Test
    void shouldServeNormalisedOrdersWithTheSignedOrderUntouched() {
        HttpResponse<String> response = get("/nuts/orders");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
        JsonNode data = body(response).get("data");
        assertThat(data.get("count").asInt()).isEqualTo(3);
        // the feed's 2450.37 USD float as an 8-decimal amount
        assertThat(data.get("marketData").get("ETH").get("raw").asString()).isEqualTo("245037000000");
        assertThat(data.get("marketData").get("ETH").get("value").asString()).isEqualTo("2450.37");
        // the feed's "2026-06-03T10:00:05.123Z" and last_updated 1780480800923 ms, in unix seconds
        assertThat(data.get("builtAt").asLong()).isEqualTo(1780480805L);
        assertThat(data.get("builtAtIso").asString()).isEqualTo("2026-06-03T10:00:05.123Z");
        assertThat(data.get("lastUpdatedAt").asLong()).isEqualTo(1780480800L);
        assertThat(data.get("fetchedAt").isIntegralNumber()).isTrue();

        JsonNode feedOrder = json.readTree(FixtureUpstream.fixture("orders.json"))
                .get("data")
                .get("orders")
                .get(0);
        JsonNode spread = data.get("orders").get(0);
        assertThat(spread.get("id").asString())
                .isEqualTo(Vectors.load("keccak.json")
                        .get("orderIds")
                        .get(0)
                        .get("id")
                        .asString());
        assertThat(spread.get("underlying").asString()).isEqualTo("ETH");
        assertThat(spread.get("product").asString()).isEqualTo("CALL_SPREAD");
        assertThat(spread.get("makerSide").asString()).isEqualTo("SELL");
        assertThat(spread.get("takerSide").asString()).isEqualTo("BUY");
        assertThat(spread.get("strikes").get(0).get("raw").asString()).isEqualTo("250000000000");
        assertThat(spread.get("strikes").get(1).get("value").asString()).isEqualTo("2700");
        assertThat(spread.get("price").get("raw").asString()).isEqualTo("4215000000");
        assertThat(spread.get("price").get("value").asString()).isEqualTo("42.15");
        assertThat(spread.get("collateral").get("symbol").asString()).isEqualTo("USDC");
        assertThat(spread.get("capacity")
                        .get("maxCollateralUsable")
                        .get("value")
                        .asString())
                .isEqualTo("20000");
        assertThat(spread.get("expiry").asLong()).isEqualTo(1781251200L);
        assertThat(spread.get("greeks").get("iv").decimalValue()).isEqualByComparingTo("0.6215");
        // the signed order: every number as the feed gave it, addresses in their EIP-55 form
        JsonNode order = spread.get("order");
        assertThat(order.propertyNames())
                .containsExactlyElementsOf(feedOrder.get("order").propertyNames());
        for (String field : feedOrder.get("order").propertyNames()) {
            JsonNode given = feedOrder.get("order").get(field);
            if (given.isString() && given.asString().matches("0x[0-9a-fA-F]{40}")) {
                Eip55.assertChecksummed(order.get(field).asString(), given.asString());
            } else {
                assertThat(order.get(field)).as(field).isEqualTo(given);
            }
        }
        assertThat(spread.get("signature").asString())
                .isEqualTo(feedOrder.get("signature").asString());
        List<String> flyStrikes = new ArrayList<>();
        data.get("orders")
                .get(1)
                .get("strikes")
                .forEach(k -> flyStrikes.add(k.get("value").asString()));
        assertThat(flyStrikes).containsExactly("92000", "95000", "98000");
    }

    @Test
    void shouldFilterOrdersByUnderlyingProductFlavourExpiryAndCollateral() {
        assertThat(products("/nuts/orders?underlying=eth")).containsExactly("CALL_SPREAD", "IRON_CONDOR");
        assertThat(products("/nuts/orders?underlying=BTC&product=put_fly")).containsExactly("PUT_FLY");
        assertThat(products("/nuts/orders?isCall=true")).containsExactly("CALL_SPREAD");
        assertThat(products("/nuts/orders?maxExpiry=1780646400")).containsExactly("PUT_FLY");
        assertThat(products("/nuts/orders?minExpiry=1781000000&collateral=USDC"))
                .hasSize(2);
        assertThat(products("/nuts/orders?collateral=WETH")).isEmpty();
        assertThat(products("/nuts/orders?collateral=weth")).isEmpty();
    }

    @Test
    void shouldLeaveOutOrdersWhoseQuoteHasExpired() {
        assertThat(products("/nuts/orders")).hasSize(3);
        clock.advance(Duration.ofSeconds(60));
        assertThat(products("/nuts/orders")).isEmpty();
    }

    @Test
    void shouldLeaveOutOrdersOutsideTheAllowlistAndCountThem() {
        String feed = FixtureUpstream.fixture("orders.json")
                .replace("0x4fd2C6D271cC6FF3EbD2027da9815a0608d03aa3", "0x000000000000000000000000000000000000dEaD");
        upstream.body("/feed/", feed);

        assertThat(products("/nuts/orders")).containsExactly("CALL_SPREAD", "IRON_CONDOR");
        String metrics = get("/actuator/prometheus", OPERATOR).body();
        assertThat(metrics).containsPattern("nuts_orders_rejected_total\\{[^}]*reason=\"implementation\"[^}]*} [1-9]");
    }

    @Test
    void shouldLeaveOutOrdersWithImpossibleStrikes() {
        // an asymmetric butterfly cannot exist on chain
        upstream.body(
                "/feed/", FixtureUpstream.fixture("orders.json").replace("\"9800000000000\"", "\"9900000000000\""));

        assertThat(products("/nuts/orders")).containsExactly("CALL_SPREAD", "IRON_CONDOR");
        assertThat(get("/actuator/prometheus", OPERATOR).body())
                .containsPattern("nuts_orders_rejected_total\\{[^}]*reason=\"strikes\"[^}]*} [1-9]");
    }

    @ParameterizedTest
    @CsvSource({
        "product=STRADDLE, product, INVALID_PARAMETER",
        "isCall=maybe, isCall, INVALID_PARAMETER",
        "minExpiry=-5, minExpiry, INVALID_PARAMETER",
        "underlying=E, underlying, INVALID_PARAMETER",
        "collateral=DOGECOIN, collateral, INVALID_PARAMETER",
        "collateral=0x12, collateral, INVALID_ADDRESS"
    })
    void shouldRejectInvalidFiltersWithACodeNamingTheParameter(String query, String parameter, String code) {
        HttpResponse<String> response = get("/nuts/orders?" + query);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo(code);
        assertThat(body(response).get("error").get("message").asString()).startsWith(parameter + " ");
    }

    @Test
    void shouldFilterByCollateralGivenAsSymbolInAnyCaseOrAddressInAnyCase() {
        List<String> all = products("/nuts/orders");
        for (String collateral : List.of(
                "USDC",
                "usdc",
                "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
                "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
                "0x833589FCD6EDB6E08F4C7C32D4F71B54BDA02913")) {
            assertThat(products("/nuts/orders?collateral=" + collateral))
                    .as(collateral)
                    .isEqualTo(all);
        }
    }

    @Test
    void shouldServeCachedOrdersWithoutAskingUpstreamAgain() {
        get("/nuts/orders");
        get("/nuts/orders?underlying=ETH");
        get("/nuts/orders");
        assertThat(upstream.hits("/feed/")).isEqualTo(1);
    }

    @Test
    void shouldAnswerNotModifiedForAMatchingEtag() {
        HttpResponse<String> first = get("/nuts/orders");
        String etag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> second = get("/nuts/orders", "If-None-Match", etag);

        assertThat(second.statusCode()).isEqualTo(304);
        assertThat(second.body()).isEmpty();
    }

    @Test
    void shouldGzipWhenTheClientAcceptsIt() throws IOException {
        HttpResponse<byte[]> response = sendBytes(HttpRequest.newBuilder(uri("/nuts/orders"))
                .header("Accept-Encoding", "gzip")
                .build());

        assertThat(response.headers().firstValue("Content-Encoding")).contains("gzip");
        String text = new String(
                new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(json.readTree(text).get("data").get("count").asInt()).isEqualTo(3);
    }

    @Test
    void shouldServeOneBodyPlainOrGzippedWithItsLengthAndTheHeadersCachesNeed() throws IOException {
        // the feed in cache first (a loaded machine may miss the test's short upstream timeout once)
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/nuts/orders").statusCode() == 200);
        HttpResponse<byte[]> plain =
                sendBytes(HttpRequest.newBuilder(uri("/nuts/orders")).build());
        HttpResponse<byte[]> zipped = sendBytes(HttpRequest.newBuilder(uri("/nuts/orders"))
                .header("Accept-Encoding", "deflate, gzip;q=0.8")
                .build());

        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(zipped.headers().firstValue("Content-Encoding")).contains("gzip");
        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes();
        assertThat(unzipped).isEqualTo(plain.body());
        for (HttpResponse<byte[]> response : List.of(plain, zipped)) {
            assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(response.body().length);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(String.join(",", response.headers().allValues("Vary"))).containsIgnoringCase("Accept-Encoding");
            assertThat(response.headers().firstValue("Cache-Control")).contains("no-cache");
        }
        // one representation, one strong validator: the ETag names the body, whichever encoding carried it
        String etag = plain.headers().firstValue("ETag").orElseThrow();
        assertThat(zipped.headers().firstValue("ETag")).contains(etag);
        assertThat(etag).matches("\"[A-Za-z0-9_-]{27}\"");

        HttpResponse<byte[]> notModified = sendBytes(HttpRequest.newBuilder(uri("/nuts/orders"))
                .header("Accept-Encoding", "gzip")
                .header("If-None-Match", "\"other\", " + etag)
                .build());
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(notModified.headers().firstValue("ETag")).contains(etag);
        assertThat(String.join(",", notModified.headers().allValues("Vary"))).containsIgnoringCase("Accept-Encoding");
    }

    @Test
    void shouldServeStaleOrdersMarkedWithTheirAgeWhenUpstreamFails() {
        get("/nuts/orders");
        clock.advance(Duration.ofSeconds(31));
        upstream.fault("/feed", Fault.HTTP_500);

        HttpResponse<String> response = get("/nuts/orders");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = body(response);
        assertThat(body.get("stale").asBoolean()).isTrue();
        assertThat(body.get("ageSeconds").asLong()).isEqualTo(31);
        assertThat(body.get("data").get("count").asInt()).isEqualTo(3);
        // served at once; the refresh that failed ran in the background
        await().atMost(Duration.ofSeconds(5)).until(() -> upstream.hits("/feed/") == 2);
    }

    @Test
    void shouldStopServingStaleOrdersOlderThanMaxStale() {
        get("/nuts/orders");
        clock.advance(Duration.ofMinutes(11));
        upstream.fault("/feed", Fault.HTTP_500);

        HttpResponse<String> response = get("/nuts/orders");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo("UPSTREAM_UNAVAILABLE");
    }

    @ParameterizedTest
    @CsvSource({
        "HTTP_500, 502, UPSTREAM_UNAVAILABLE",
        "HTML, 502, UPSTREAM_BAD_RESPONSE",
        "TRUNCATED, 502, UPSTREAM_BAD_RESPONSE",
        "RESET, 502, UPSTREAM_UNAVAILABLE",
        "SLOW, 504, UPSTREAM_TIMEOUT"
    })
    void shouldAnswerACodedErrorWhenUpstreamFailsWithNothingCached(Fault fault, int status, String code) {
        upstream.fault("/feed", fault);

        HttpResponse<String> response = get("/nuts/orders");

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(body(response).get("success").asBoolean()).isFalse();
        assertThat(body(response).get("error").get("code").asString()).isEqualTo(code);
    }

    @Test
    void shouldMakeOneUpstreamRequestForConcurrentMisses() throws Exception {
        upstream.delay(Duration.ofMillis(200));
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            calls.add(() -> get("/nuts/orders").statusCode());
        }
        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
        }
        assertThat(statuses).containsOnly(200);
        assertThat(upstream.hits("/feed/")).isEqualTo(1);
    }

    private List<String> products(String path) {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> products = new ArrayList<>();
        body(response)
                .get("data")
                .get("orders")
                .forEach(o -> products.add(o.get("product").asString()));
        return products;
    }

    private HttpResponse<byte[]> sendBytes(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
