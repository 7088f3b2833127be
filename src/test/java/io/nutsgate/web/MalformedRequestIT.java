package io.nutsgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.GatewayTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * What a hostile or broken client sends, byte for byte over a raw socket (so no client library tidies it up):
 * each gets a 4xx with the error envelope, never a 500, and the log gets no stack trace and at most a line a
 * minute per kind of refusal.
 */
@ExtendWith(OutputCaptureExtension.class)
class MalformedRequestIT extends GatewayTest {

    record Answer(int status, String head, String body) {
        JsonNode json() {
            return GatewayTest.json.readTree(body);
        }

        String code() {
            return json().path("error").path("code").asString();
        }

        String message() {
            return json().path("error").path("message").asString();
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/nuts/orders?underlying=%ZZ|underlying",
                "/nuts/orders?underlying=%C3%28|underlying",
                "/nuts/orders?underlying=%FF%FE|underlying",
                "/nuts/orders?underlying=ETH&expiry=%|expiry",
                "/nuts/stats?x=%e2%82|x",
                "/nuts/leaderboard?metric=%C0%AF|metric",
            })
    void shouldRejectBadPercentEncodingOrInvalidUtf8InAnyQueryParameter(String target, String parameter) {
        Answer answer = send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("INVALID_PARAMETER");
        assertThat(answer.message()).contains(parameter);
    }

    @Test
    void shouldRejectABadEscapeInThePathWithTheEnvelope() {
        Answer answer = send("GET /nuts/%ZZ HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("INVALID_REQUEST");
        assertThat(answer.head()).containsIgnoringCase("Content-Type: application/json");
    }

    @Test
    void shouldRejectAMalformedHeaderWithTheEnvelope() {
        Answer answer = send("GET /nuts/config HTTP/1.1\r\nHost: x\r\nNo Colon Here\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("INVALID_REQUEST");
    }

    @ParameterizedTest
    @CsvSource({"*/*", "application/*", "foo", "text/", "';;;'"})
    void shouldRejectAWildcardOrUnknownContentType(String contentType) {
        for (String path : new String[] {"/nuts/update", "/nuts/positions"}) {
            Answer answer = post(path, contentType, "{\"address\":\"" + USER + "\"}");

            assertThat(answer.status()).as(path).isEqualTo(415);
            assertThat(answer.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
            assertThat(answer.message()).contains("Content-Type");
        }
    }

    @Test
    void shouldAnswerTheEnvelopeToAcceptXml() {
        Answer config =
                send("GET /nuts/config HTTP/1.1\r\nHost: x\r\nAccept: application/xml\r\nConnection: close\r\n\r\n");
        Answer missing =
                send("GET /nuts/nothing HTTP/1.1\r\nHost: x\r\nAccept: application/xml\r\nConnection: close\r\n\r\n");

        assertThat(config.status()).isEqualTo(406);
        assertThat(config.code()).isEqualTo("NOT_ACCEPTABLE");
        assertThat(config.message()).contains("Accept");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("NOT_FOUND");
    }

    @Test
    void shouldServeHeadWithAnOriginLikeGet() {
        Answer head = send("HEAD /nuts/config HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.head()).containsIgnoringCase("Access-Control-Allow-Origin");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void shouldAnswerOptionsWithAnOriginWithoutAnError() {
        Answer plain = send("OPTIONS /nuts/config HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
                + "Connection: close\r\n\r\n");
        Answer preflight = send("OPTIONS /nuts/positions HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
                + "Access-Control-Request-Method: HEAD\r\nConnection: close\r\n\r\n");

        assertThat(plain.status()).isEqualTo(200);
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.head()).containsIgnoringCase("Access-Control-Allow-Methods");
    }

    @Test
    void shouldRefuseMultipartBodiesEvenChunked() {
        String part = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n"
                + "x".repeat(100 * 1024) + "\r\n--b--\r\n";
        Answer chunked =
                send("POST /nuts/update HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + Integer.toHexString(part.length()) + "\r\n" + part + "\r\n0\r\n\r\n");
        Answer sized = post(
                "/nuts/positions",
                "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n");

        assertThat(chunked.status()).isEqualTo(415);
        assertThat(chunked.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        assertThat(chunked.message()).contains("multipart/form-data");
        assertThat(sized.status()).isEqualTo(415);
    }

    @Test
    void shouldRefuseFormBodies() {
        Answer answer = post("/nuts/update", "application/x-www-form-urlencoded", "address=%zz");

        assertThat(answer.status()).isEqualTo(415);
        assertThat(answer.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void shouldRejectDeeplyNestedJson() {
        String deep = "{\"address\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}";
        Answer answer = post("/nuts/positions", "application/json", deep);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("INVALID_BODY");
    }

    @Test
    void shouldNotLogAStackTraceOrALinePerMalformedRequest(CapturedOutput output) {
        int before = output.getOut().length();
        for (int i = 0; i < 25; i++) {
            assertThat(send("GET /nuts/orders?underlying=%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .status())
                    .isEqualTo(400);
            assertThat(post("/nuts/update", "*/*", "{}").status()).isEqualTo(415);
            assertThat(post("/nuts/update", "multipart/form-data; boundary=b", "--b--")
                            .status())
                    .isEqualTo(415);
            assertThat(send("GET /nuts/%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .status())
                    .isEqualTo(400);
            assertThat(
                            send("GET /nuts/config HTTP/1.1\r\nHost: x\r\nAccept: application/xml\r\nConnection: close\r\n\r\n")
                                    .status())
                    .isEqualTo(406);
        }
        String logged = output.getOut().substring(before);

        assertThat(logged).doesNotContain("\tat ");
        // Four kinds of refusal, each at most one line a minute, for 125 requests.
        assertThat(logged.lines().filter(l -> l.contains("io.nutsgate.rejected")))
                .hasSizeLessThanOrEqualTo(4);
        assertThat(logged.lines()
                        .filter(l -> l.contains("ApiExceptionHandler")
                                || l.contains("HandlerExceptionResolver")
                                || l.contains("Http11Processor")))
                .isEmpty();
    }

    private Answer post(String path, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + bytes.length + "\r\nConnection: close\r\n\r\n" + body);
    }

    /** Sends the bytes as they are and reads the whole answer (the server closes: Connection: close). */
    private Answer send(String request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = text.substring(0, split);
            String body = text.substring(split + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            int status = Integer.parseInt(head.split(" ")[1]);
            return new Answer(status, head, body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }
}
