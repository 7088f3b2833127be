package io.nutsgate.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.util.FileSystemUtils;

/**
 * The real service as a child JVM on one temporary data folder, as an operator runs it: a second instance is refused
 * in one line, a {@code kill -9} does not keep the next start from coming up, and the server is durable and reachable
 * on loopback with the folder's password only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedDatabaseIT {

    private static final Duration START_LIMIT = Duration.ofMinutes(5);

    private static Path folder;
    private static Path dataDir;
    private static final List<ServiceProcess> started = new ArrayList<>();
    private static ServiceProcess first;

    @BeforeAll
    static void startFirst() throws Exception {
        folder = Files.createTempDirectory("nutsgate-embedded-it");
        dataDir = folder.resolve("postgres");
        first = start();
        first.awaitStarted(START_LIMIT);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        started.forEach(ServiceProcess::close);
        // A postmaster orphaned by a failing run is stopped too.
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            ProcessHandle.of(pid).ifPresent(postmaster -> {
                postmaster.destroy();
                postmaster.onExit().orTimeout(60, TimeUnit.SECONDS).join();
            });
        }
        FileSystemUtils.deleteRecursively(folder);
    }

    @Test
    @Order(1)
    void shouldRefuseASecondInstanceOnTheSameFolderInOneLine() throws Exception {
        ServiceProcess second = start();

        assertThat(second.awaitExit(START_LIMIT)).isNotZero();
        String log = second.output();
        List<String> refusals = log.lines()
                .filter(line -> line.contains("nutsgate cannot start"))
                .toList();
        assertThat(refusals)
                .singleElement()
                .asString()
                .contains("another nutsgate (PID " + first.process().pid() + ") is already running")
                .contains(dataDir.toString());
        assertThat(log).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(get(first, "/nuts/config")).isEqualTo(200);
    }

    @Test
    @Order(2)
    void shouldKeepFsyncAndSynchronousCommitOnAndListenOnLoopbackWithAPassword() throws Exception {
        int port = postgresPort();
        String password = Files.readString(dataDir.resolve("nutsgate.password")).strip();

        assertThat(password).hasSizeGreaterThanOrEqualTo(32);
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("nutsgate.password")))
                .extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        try (Connection connection = connect(port, password);
                Statement statement = connection.createStatement()) {
            assertThat(show(statement, "fsync")).isEqualTo("on");
            assertThat(show(statement, "synchronous_commit")).isEqualTo("on");
            assertThat(show(statement, "full_page_writes")).isEqualTo("on");
            assertThat(show(statement, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(show(statement, "unix_socket_directories")).isEmpty();
        }
        assertThat(canConnect(port, "not-the-password")).isFalse();
        assertThat(canConnect(port, null)).isFalse();
    }

    @Test
    @Order(3)
    void shouldComeUpAgainAfterKillDashNine() throws Exception {
        String nonce = nonce(first);
        long orphan = postmasterPid();

        first.process().destroyForcibly(); // SIGKILL: no shutdown hook runs, the postmaster is left behind
        first.process().waitFor(60, TimeUnit.SECONDS);
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);

        ServiceProcess next = start();
        next.awaitStarted(START_LIMIT);

        assertThat(get(next, "/nuts/config")).isEqualTo(200);
        assertThat(next.output()).contains("(PID " + orphan + ") of a previous run");
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        String password = Files.readString(dataDir.resolve("nutsgate.password")).strip();
        try (Connection connection = connect(postgresPort(), password);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM siwe_nonces WHERE nonce = '" + nonce.replace("'", "") + "'")) {
            rows.next();
            assertThat(rows.getInt(1)).as("the nonce written before the kill").isEqualTo(1);
        }

        next.process().destroy(); // SIGTERM: a clean stop takes the postmaster with it
        assertThat(next.process().waitFor(120, TimeUnit.SECONDS)).isTrue();
        long postmaster = orphan;
        assertThat(Files.exists(dataDir.resolve("postmaster.pid"))).isFalse();
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
    }

    // ---- the child JVM ----

    /** The service on the folder's embedded database (no DATABASE_URL), upstreams that never answer. */
    private static ServiceProcess start() {
        ServiceProcess service = ServiceProcess.start(
                folder,
                Map.of(
                        "NUTS_TRADES_SYNC_ON_EVENTS", "false",
                        "THETANUTS_ORDERS_URL", "http://127.0.0.1:9/feed/",
                        "THETANUTS_INDEXER_URL", "http://127.0.0.1:9/book"));
        started.add(service);
        return service;
    }

    private static int get(ServiceProcess service, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String nonce(ServiceProcess service) throws Exception {
        String body = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(service.baseUrl() + "/auth/nonce"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        java.util.regex.Matcher matcher =
                java.util.regex.Pattern.compile("\"nonce\":\"([^\"]+)\"").matcher(body);
        assertThat(matcher.find()).as(body).isTrue();
        return matcher.group(1);
    }

    // ---- the embedded server ----

    private static long postmasterPid() throws IOException {
        return Long.parseLong(
                Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
    }

    private static int postgresPort() throws IOException {
        return Integer.parseInt(
                Files.readAllLines(dataDir.resolve("postmaster.pid")).get(3).strip());
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        if (password != null) properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties);
    }

    private static boolean canConnect(int port, String password) {
        try (Connection connection = connect(port, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static String show(Statement statement, String setting) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SHOW " + setting)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
