package io.nutsgate.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import io.nutsgate.support.ServiceTest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Thousands of sockets that never finish their headers (the slowloris attack) must not lock anyone out: the NIO
 * connector parks them without a thread each, and the connection cap is above them. The time a request takes
 * meanwhile is measured by {@code bench/idle-connections.sh}; here the outcome: it is answered.
 */
// Its own context: closed after the class so its database pool does not add to the machine's connections.
@DirtiesContext
@TestPropertySource(
        properties = {
            // Long enough that none of them is timed out while the 8,000 are opened on a busy machine.
            "nuts.http.read-timeout=120s",
            "nuts.trades.scheduled-sync=false"
        })
class IdleConnectionsIT extends ServiceTest {

    private static final int IDLE = 8_000;

    @Autowired
    WebServerApplicationContext server;

    @Test
    void shouldServeANormalRequestWhile8000HalfSentConnectionsAreOpen() throws IOException {
        assumeEnoughFileDescriptors();
        List<Socket> idle = new ArrayList<>(IDLE);
        try {
            byte[] halfSent = "GET /nuts/config HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < IDLE; i++) {
                Socket socket = new Socket();
                idle.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                socket.getOutputStream().write(halfSent);
            }

            HttpResponse<String> answer = get("/nuts/config");
            long open = connectionCount();

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(body(answer).get("data").get("chainId").asInt()).isEqualTo(8453);
            // All of them were still held by the server while it answered.
            assertThat(open).isGreaterThanOrEqualTo(IDLE);
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    private long connectionCount() {
        TomcatWebServer tomcat = (TomcatWebServer) server.getWebServer();
        return ((AbstractProtocol<?>) tomcat.getTomcat().getConnector().getProtocolHandler()).getConnectionCount();
    }

    /** Client and server share this JVM: each idle connection costs two descriptors. */
    private static void assumeEnoughFileDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            long free = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount();
            boolean enough = free > 2L * IDLE + 500;
            String advice = "needs " + (2 * IDLE + 500) + " free file descriptors, has " + free + " (ulimit -n)";
            if ("true".equals(System.getenv("CI"))) {
                assertThat(enough).as(advice).isTrue();
            }
            assumeTrue(enough, advice);
        }
    }
}
