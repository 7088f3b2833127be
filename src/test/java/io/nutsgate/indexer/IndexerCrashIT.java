package io.nutsgate.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.protocol.Product;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Order;
import io.nutsgate.support.ServiceProcess;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.TestDatabase;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    static final Duration START_LIMIT = Duration.ofMinutes(4);
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path folder;

    static Devnet devnet;
    static String schema;
    static final List<ServiceProcess> children = new ArrayList<>();

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(TestDatabase.localPostgresReachable(), "needs the machine's PostgreSQL");
        devnet = Devnet.start(ServiceTest.REFERRER);
        schema = "t_crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @AfterAll
    static void stop() throws Exception {
        children.forEach(ServiceProcess::close);
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
        // the two instances start (seconds of CPU) while the takers approve the book
        ServiceProcess a = child();
        ServiceProcess b = child();
        // two takers share the gas (each fill sends a 3M gas limit at twice the gas price)
        List<String> approvals = devnet.takers().stream()
                .map(t -> devnet.sendWithoutWaiting(
                        t, devnet.usdc(), Devnet.approveFunction(devnet.optionBook(), BigInteger.TEN.pow(15))))
                .toList();
        approvals.forEach(tx -> assertThat(devnet.receipt(tx).isStatusOK()).isTrue());
        a.awaitStarted(START_LIMIT);
        b.awaitStarted(START_LIMIT);

        // one leader, one follower
        await().atMost(Duration.ofSeconds(60)).until(() -> leader(a) ^ leader(b));
        ServiceProcess leader = leader(a) ? a : b;
        ServiceProcess follower = leader == a ? b : a;

        // the first third of the fills, sent at once (then mined in a block or two)
        awaitMined(fills(0, FILLS / 3 + 1));
        // kill -9 the leader while it is indexing
        await().atMost(Duration.ofSeconds(120)).until(() -> query("SELECT count(*) FROM chain_fills") >= 3);
        leader.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        awaitMined(fills(FILLS / 3 + 1, FILLS));
        long head = devnet.head();

        await().atMost(Duration.ofSeconds(180)).until(() -> query("SELECT indexed_block FROM chain_cursor") >= head);
        assertThat(leader(follower)).isTrue();
        assertThat(query("SELECT count(*) FROM chain_fills")).isEqualTo(FILLS);
        assertThat(query("SELECT count(DISTINCT tx_hash) FROM chain_fills")).isEqualTo(FILLS);
        assertThat(query("SELECT count(*) FROM trades")).isEqualTo(FILLS);
        assertThat(query("SELECT count(*) FROM chain_referral_fees")).isEqualTo(FILLS);
    }

    /** Sends fills {@code from} (inclusive) to {@code to} (exclusive), the takers taking turns, without waiting. */
    static List<String> fills(int from, int to) {
        List<String> sent = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Order order = devnet.order(
                            Product.PUT,
                            List.of(BigInteger.valueOf(2_000L + i).multiply(BigInteger.TEN.pow(8))),
                            BigInteger.valueOf(5_000_000_000L),
                            BigInteger.TEN.pow(12),
                            false)
                    .withNumContracts(N);
            String signature = devnet.sign(order, devnet.maker().credentials());
            sent.add(devnet.sendWithoutWaiting(
                    devnet.takers().get(i % 2),
                    devnet.optionBook(),
                    Devnet.fillOrderFunction(order, signature, ServiceTest.REFERRER)));
        }
        return sent;
    }

    static void awaitMined(List<String> fills) {
        for (String tx : fills) {
            assertThat(devnet.receipt(tx).isStatusOK()).as("fill " + tx).isTrue();
        }
    }

    static ServiceProcess child() {
        ServiceProcess child = ServiceProcess.start(
                folder,
                Map.ofEntries(
                        Map.entry("DATABASE_URL", TestDatabase.LOCAL_URL + "&currentSchema=" + schema),
                        Map.entry("SPRING_FLYWAY_SCHEMAS", schema),
                        Map.entry("BASE_RPC_URL", devnet.rpcUrl()),
                        Map.entry(
                                "NUTS_DEPLOYMENT_FILE", devnet.deploymentFile().toString()),
                        Map.entry("ALPHABIT_REFERRER_ADDRESS", ServiceTest.REFERRER),
                        Map.entry("NUTS_INDEXER_MAX_BLOCK_RANGE", "1"),
                        Map.entry("NUTS_INDEXER_POLL_INTERVAL", "200ms"),
                        Map.entry("NUTS_INDEXER_ERROR_BACKOFF", "200ms"),
                        // a batch here is one block (tens of milliseconds): a leader killed in the middle of one
                        // leaves its lock to be taken over 5 s after that batch began; killed between two batches,
                        // at once. A batch outlasting the lease would not break the count: the cursor row lock
                        // keeps a second writer out
                        Map.entry("NUTS_INDEXER_LEASE", "5s"),
                        Map.entry("THETANUTS_ORDERS_URL", "http://127.0.0.1:9/"),
                        Map.entry("THETANUTS_INDEXER_URL", "http://127.0.0.1:9/api/v1/book")));
        children.add(child);
        return child;
    }

    static boolean leader(ServiceProcess service) {
        JsonNode s = indexer(service);
        return s != null && s.path("data").path("leader").asBoolean();
    }

    static JsonNode indexer(ServiceProcess service) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(service.baseUrl() + "/nuts/indexer"))
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
}
