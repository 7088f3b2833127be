package io.nutsgate.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.protocol.Product;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.Devnet.Order;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.TestDatabase;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two nutsgate JVMs (children started with the test classpath) index one devnet into one database schema, one block
 * per batch: exactly one of them is the leader; {@code kill -9} of the leader in the middle of the backfill leaves
 * the other to finish from the cursor, and every fill is stored exactly once, every trade once.
 */
class IndexerCrashIT {

    static final int FILLS = 9;
    static final BigInteger N = BigInteger.valueOf(1_000_000);
    static final JsonMapper JSON = JsonMapper.builder().build();

    static Devnet devnet;
    static String schema;
    static final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(TestDatabase.localPostgresReachable(), "needs the machine's PostgreSQL");
        devnet = Devnet.start(ServiceTest.REFERRER);
        schema = "t_crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : children) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (devnet != null) {
            devnet.close();
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(TestDatabase.LOCAL_URL);
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void shouldLoseAndDuplicateNothingWhenTheLeaderIsKilledMidBackfill() throws Exception {
        // two takers share the gas (each fill sends a 3M gas limit at twice the gas price)
        for (Account t : devnet.takers()) {
            devnet.approve(t, devnet.usdc(), devnet.optionBook(), BigInteger.TEN.pow(15));
        }
        int portA = freePort();
        int portB = freePort();
        Process a = child(portA);
        Process b = child(portB);
        awaitUp(portA);
        awaitUp(portB);

        // one leader, one follower
        await().atMost(Duration.ofSeconds(60)).until(() -> leader(portA) ^ leader(portB));
        Process leader = leader(portA) ? a : b;
        int followerPort = leader == a ? portB : portA;

        for (int i = 0; i < FILLS; i++) {
            fill(devnet.takers().get(i % 2), i);
            if (i == FILLS / 3) {
                // kill -9 the leader while it is indexing
                await().atMost(Duration.ofSeconds(120)).until(() -> query("SELECT count(*) FROM chain_fills") >= 3);
                leader.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
        long head = devnet.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();

        await().atMost(Duration.ofSeconds(180)).until(() -> query("SELECT indexed_block FROM chain_cursor") >= head);
        assertThat(leader(followerPort)).isTrue();
        assertThat(query("SELECT count(*) FROM chain_fills")).isEqualTo(FILLS);
        assertThat(query("SELECT count(DISTINCT tx_hash) FROM chain_fills")).isEqualTo(FILLS);
        assertThat(query("SELECT count(*) FROM trades")).isEqualTo(FILLS);
        assertThat(query("SELECT count(*) FROM chain_referral_fees")).isEqualTo(FILLS);
    }

    static void fill(Account taker, int i) {
        Order order = devnet.order(
                        Product.PUT,
                        List.of(BigInteger.valueOf(2_000L + i).multiply(BigInteger.TEN.pow(8))),
                        BigInteger.valueOf(5_000_000_000L),
                        BigInteger.TEN.pow(12),
                        false)
                .withNumContracts(N);
        String signature = devnet.sign(order, devnet.maker().credentials());
        assertThat(devnet.fillOrder(taker, order, signature, ServiceTest.REFERRER)
                        .isStatusOK())
                .isTrue();
    }

    static Process child(int port) throws IOException {
        Path log = Files.createTempFile("nutsgate-child", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.nutsgate.NutsgateApplication")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        var env = pb.environment();
        env.put("PORT", String.valueOf(port));
        env.put("DATABASE_URL", TestDatabase.LOCAL_URL + "&currentSchema=" + schema);
        env.put("SPRING_FLYWAY_SCHEMAS", schema);
        env.put("BASE_RPC_URL", devnet.rpcUrl());
        env.put("NUTS_DEPLOYMENT_FILE", devnet.deploymentFile().toString());
        env.put("ALPHABIT_REFERRER_ADDRESS", ServiceTest.REFERRER);
        env.put("NUTS_INDEXER_MAX_BLOCK_RANGE", "1");
        env.put("NUTS_INDEXER_POLL_INTERVAL", "200ms");
        env.put("NUTS_INDEXER_ERROR_BACKOFF", "200ms");
        // a batch here is one block: the killed leader's lock is taken over 15 s after its last batch began
        env.put("NUTS_INDEXER_LEASE", "15s");
        env.put("NUTS_TRADES_SCHEDULED_SYNC", "false");
        env.put("THETANUTS_ORDERS_URL", "http://127.0.0.1:9/");
        env.put("THETANUTS_INDEXER_URL", "http://127.0.0.1:9/api/v1/book");
        Process p = pb.start();
        children.add(p);
        return p;
    }

    static void awaitUp(int port) {
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> indexer(port) != null);
    }

    static boolean leader(int port) {
        JsonNode s = indexer(port);
        return s != null && s.path("data").path("leader").asBoolean();
    }

    static JsonNode indexer(int port) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nuts/indexer"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static long query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.LOCAL_URL + "&currentSchema=" + schema);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (java.sql.SQLException e) {
            return -1; // schema not migrated yet
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
