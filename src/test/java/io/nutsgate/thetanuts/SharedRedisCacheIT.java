package io.nutsgate.thetanuts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nutsgate.NutsgateApplication;
import io.nutsgate.support.FixtureUpstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/** Two instances of the service sharing the machine's Redis: what one fetched, the other serves. */
class SharedRedisCacheIT {

    private static final FixtureUpstream upstream = new FixtureUpstream();
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void startTwoInstances() {
        assumeTrue(redisReachable(), "Redis on 127.0.0.1:6379 is needed (CI starts it)");
        first = start();
        second = start();
        first.getBean(RedisConnectionFactory.class)
                .getConnection()
                .serverCommands()
                .flushDb();
    }

    @AfterAll
    static void stop() {
        if (second != null) second.close();
        if (first != null) first.close();
        upstream.close();
    }

    @Test
    void shouldServeFromTheOtherInstanceWhatOneInstanceFetched() throws Exception {
        HttpResponse<String> fromFirst = get(first, "/nuts/stats");
        HttpResponse<String> fromSecond = get(second, "/nuts/stats");

        assertThat(fromFirst.statusCode()).isEqualTo(200);
        assertThat(fromSecond.statusCode()).isEqualTo(200);
        assertThat(fromSecond.body()).isEqualTo(fromFirst.body());
        assertThat(upstream.hits("/book/stats")).isEqualTo(1);
    }

    private static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(NutsgateApplication.class)
                .run(
                        "--server.port=0",
                        "--REDIS_URL=redis://127.0.0.1:6379/3",
                        "--nuts.orders-url=" + upstream.ordersUrl(),
                        "--nuts.indexer-url=" + upstream.indexerUrl());
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws Exception {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static boolean redisReachable() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
