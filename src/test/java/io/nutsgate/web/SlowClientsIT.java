package io.nutsgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.ServiceTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Clients that start a request and never finish it: the server gives up after the configured read and body
 * timeouts, answering a started body with 408 and the envelope, and closes a connection whose headers never end.
 */
// Its own context: closed after the class so its database pool does not add to the machine's connections.
@DirtiesContext
@TestPropertySource(
        properties = {
            "nuts.http.read-timeout=1s",
            "nuts.http.body-timeout=2s",
            "nuts.cors-origin=https://app.example",
            "nuts.trades.scheduled-sync=false"
        })
class SlowClientsIT extends ServiceTest {

    @Test
    void shouldAnswerABodyThatStopsShortWith408AndTheEnvelope() throws IOException {
        try (Socket socket = socket()) {
            write(
                    socket,
                    "POST /nuts/positions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 500\r\n\r\n{\"addr");

            String answer = readAll(socket);

            assertThat(status(answer)).isEqualTo(408);
            assertThat(envelope(answer).path("error").path("code").asString()).isEqualTo("REQUEST_TIMEOUT");
            assertThat(envelope(answer).path("success").asBoolean(true)).isFalse();
        }
    }

    @Test
    void shouldAnswerABodyThatTricklesInWith408() throws Exception {
        try (Socket socket = socket()) {
            write(
                    socket,
                    "POST /nuts/positions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 500\r\nConnection: close\r\n\r\n{\"address\":\"");
            // One byte every 300 ms: each read is well within the 1 s read timeout, the body never completes.
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int i = 0; i < 400; i++) {
                        out.write('a');
                        out.flush();
                        Thread.sleep(300);
                    }
                } catch (IOException | InterruptedException e) {
                    // the server answered and closed: done
                }
            });

            String answer = readAll(socket);
            trickle.interrupt();

            assertThat(status(answer)).isEqualTo(408);
            assertThat(envelope(answer).path("error").path("code").asString()).isEqualTo("REQUEST_TIMEOUT");
            assertThat(envelope(answer).path("error").path("message").asString())
                    .contains("NUTS_HTTP_BODY_TIMEOUT");
        }
    }

    @Test
    void shouldCloseAConnectionWhoseHeadersNeverEnd() throws IOException {
        try (Socket socket = socket()) {
            write(socket, "GET /nuts/config HTTP/1.1\r\nHost: x\r\nX-Slow: ");

            // The server closes it (end of stream) rather than holding it open.
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void shouldAnswerAnAllowedOriginWithTheSameCorsHeadersOnCachedAndDispatchedReads() throws IOException {
        // /nuts/config is answered before Spring MVC (CachedReadFilter); with a query it goes through the dispatcher
        for (String path : new String[] {"/nuts/config", "/nuts/config?x=1"}) {
            String answer = getFrom(path, "https://app.example");

            assertThat(status(answer)).as(path).isEqualTo(200);
            assertThat(answer).as(path).contains("Access-Control-Allow-Origin: https://app.example\r\n");
            assertThat(answer)
                    .as(path)
                    .contains("Access-Control-Expose-Headers: ETag, X-Request-Id, Deprecation, Retry-After");
        }
    }

    @Test
    void shouldRefuseAnotherOriginOnACachedReadAsOnADispatchedOne() throws IOException {
        for (String path : new String[] {"/nuts/config", "/nuts/config?x=1"}) {
            String answer = getFrom(path, "https://evil.example");

            assertThat(status(answer)).as(path).isEqualTo(403);
            assertThat(answer).as(path).doesNotContain("Access-Control-Allow-Origin");
            assertThat(envelope(answer).path("error").path("code").asString()).isEqualTo("CORS_REJECTED");
        }
    }

    /** A whole {@code GET} of {@code path} sent with {@code Origin: origin} on a connection of its own. */
    private String getFrom(String path, String origin) throws IOException {
        try (Socket socket = socket()) {
            write(
                    socket,
                    "GET " + path + " HTTP/1.1\r\nHost: x\r\nOrigin: " + origin + "\r\nConnection: close\r\n\r\n");
            return readAll(socket);
        }
    }

    private Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String readAll(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // closed after the answer while the trickle was still writing
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.split(" ", 3)[1]);
    }

    private static JsonNode envelope(String answer) {
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        int start = body.indexOf('{');
        int end = body.lastIndexOf('}');
        return json.readTree(body.substring(start, end + 1));
    }
}
