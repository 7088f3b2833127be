package io.nutsgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.GatewayTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BadInputIT extends GatewayTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"address\": |INVALID_BODY",
                "[1,2,3]|INVALID_BODY",
                "{\"address\":\"0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c\",\"filterByReferrer\":{\"a\":1}}|INVALID_BODY",
                "{\"address\":\"0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c\",\"type\":\"closed\"}|INVALID_TYPE",
                "{\"address\":\"0x5a0b\"}|INVALID_ADDRESS",
                "{\"address\":42}|INVALID_ADDRESS",
                "{}|INVALID_ADDRESS"
            })
    void shouldRejectBadPositionsBodiesWithACode(String body, String code) {
        HttpResponse<String> response = post("/nuts/positions", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).get("success").asBoolean()).isFalse();
        assertThat(body(response).get("error").get("code").asString()).isEqualTo(code);
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void shouldRejectBodiesOver64Kilobytes() {
        String padding = "x".repeat(70 * 1024);
        HttpResponse<String> response = post("/nuts/positions", "{\"address\":\"" + padding + "\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo("INVALID_BODY");
    }

    @Test
    void shouldRejectChunkedBodiesOver64Kilobytes() {
        byte[] big = ("{\"address\":\"" + "y".repeat(70 * 1024) + "\"}").getBytes();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/nuts/positions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                .build());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo("INVALID_BODY");
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownPath() {
        HttpResponse<String> response = get("/nuts/nothing-here");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo("NOT_FOUND");
    }

    @Test
    void shouldAnswerMethodNotAllowedForAWrongMethod() {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(uri("/nuts/orders")).DELETE().build());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(body(response).get("error").get("code").asString()).isEqualTo("METHOD_NOT_ALLOWED");
    }

    @Test
    void shouldKeepTheCallersRequestId() {
        HttpResponse<String> response = get("/nuts/config", "X-Request-Id", "trace-123");
        assertThat(response.headers().firstValue("X-Request-Id")).contains("trace-123");
    }
}
