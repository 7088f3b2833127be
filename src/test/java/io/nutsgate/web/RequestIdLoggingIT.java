package io.nutsgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The request id is on every line logged while a request is served, as written to the console. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"nuts.trades.scheduled-sync=false", "nuts.trades.sync-on-events=false"})
@Import(RequestIdLoggingIT.Chatty.class)
@ExtendWith(OutputCaptureExtension.class)
class RequestIdLoggingIT {

    @LocalServerPort
    int port;

    @TestConfiguration(proxyBeanMethods = false)
    @Import(ChattyController.class)
    static class Chatty {}

    @RestController
    static class ChattyController {
        private static final Logger log = LoggerFactory.getLogger(ChattyController.class);

        @GetMapping("/test/chatty")
        String chatty() {
            log.info("chatty: first line");
            log.warn("chatty: second line");
            throw new IllegalStateException("chatty: boom"); // logged by the error handler
        }
    }

    @Test
    void shouldWriteTheCallersRequestIdOnEveryLineOfItsRequest(CapturedOutput output) throws Exception {
        HttpResponse<String> response = get("caller-id-4711");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("X-Request-Id")).contains("caller-id-4711");
        List<String> lines = requestLines(output);
        assertThat(lines).hasSize(3).allSatisfy(line -> assertThat(line).contains("[caller-id-4711]"));
    }

    @Test
    void shouldWriteAGeneratedRequestIdWhenTheCallerSentNone(CapturedOutput output) throws Exception {
        HttpResponse<String> response = get(null);

        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(requestLines(output)).hasSize(3).allSatisfy(line -> assertThat(line)
                .contains("[" + id + "]"));
    }

    private HttpResponse<String> get(String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/test/chatty"));
        if (requestId != null) request.header("X-Request-Id", requestId);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> requestLines(CapturedOutput output) {
        return output.getAll()
                .lines()
                .filter(line -> line.contains("chatty: first line")
                        || line.contains("chatty: second line")
                        || line.contains("unhandled error"))
                .toList();
    }
}
