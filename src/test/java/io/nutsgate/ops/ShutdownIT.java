package io.nutsgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.ServiceProcess;
import io.nutsgate.support.SocketIoTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * SIGTERM (what Ctrl-C and an orchestrator send) stops the service cleanly: a request in flight is answered, a
 * Socket.IO client sees a disconnect it would reconnect from, the embedded database stops last, and all of it is
 * two lines without a stack trace.
 */
class ShutdownIT {

    @TempDir
    Path folder;

    @Test
    void shouldFinishTheRequestInFlightAndStopInTwoLinesOnSigterm() throws Exception {
        try (FixtureUpstream upstream = new FixtureUpstream()
                        .slowDelay(Duration.ofSeconds(3))
                        .fault("/book/stats", FixtureUpstream.Fault.SLOW);
                ServiceProcess service = ServiceProcess.start(
                        folder,
                        Map.of(
                                "THETANUTS_ORDERS_URL", upstream.ordersUrl(),
                                "THETANUTS_INDEXER_URL", upstream.indexerUrl()))) {
            service.awaitStarted(Duration.ofMinutes(5));
            try (SocketIoTestClient socket = SocketIoTestClient.connectPolling(service.baseUrl())) {
                socket.awaitConnected();

                CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient()
                        .sendAsync(
                                HttpRequest.newBuilder(URI.create(service.baseUrl() + "/nuts/stats"))
                                        .timeout(Duration.ofSeconds(60))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                Awaitility.await("the request reached the upstream")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> upstream.hits("/book/stats") > 0);
                int linesBefore = (int) service.output().lines().count();

                service.process().destroy(); // SIGTERM

                HttpResponse<String> answer = inFlight.get();
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("\"success\":true");

                JsonNode disconnect = socket.await(
                        line -> line.path("type").asString().equals("disconnect"),
                        Duration.ofSeconds(30),
                        "disconnect");
                // "io server disconnect" is the one reason the official client does not reconnect from
                assertThat(disconnect.path("reason").asString()).isIn("transport close", "transport error");

                service.awaitExit(Duration.ofMinutes(2));
                List<String> shutdownLines = service.output()
                        .lines()
                        .skip(linesBefore)
                        .filter(line -> !line.isBlank())
                        .toList();
                assertThat(shutdownLines).as(service.output()).hasSize(2);
                assertThat(shutdownLines.get(0)).contains("nutsgate stopping: requests in flight have up to 30s");
                assertThat(shutdownLines.get(1)).contains("nutsgate stopped");
                assertThat(service.output()).doesNotContain("\tat ").doesNotContain("Exception");
                assertThat(folder.resolve("postgres").resolve("postmaster.pid"))
                        .as("the embedded PostgreSQL stopped")
                        .doesNotExist();
            }
        }
    }
}
