package io.nutsgate.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.nutsgate.support.Instances;
import io.nutsgate.support.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real application started with settings that cannot work: it refuses to start naming the variable, and no
 * password ever shows in the log or in the exception. The password holds the characters URL parsers stumble on.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupRefusalIT {

    /** Raw in the URL below: {@code %}, {@code ^}, {@code #} and {@code @}. */
    private static final String PASSWORD = "s3cr%^t#p@ss";

    private static final String ENCODED_PASSWORD = "s3cr%25%5Et%23p%40ss";
    private static final List<String> schemas = new ArrayList<>();

    @AfterAll
    static void dropSchemas() throws Exception {
        try (Connection connection = DriverManager.getConnection(TestDatabase.LOCAL_URL);
                Statement statement = connection.createStatement()) {
            for (String schema : schemas) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void shouldRefuseADurationWithoutAUnitNamingTheVariable(CapturedOutput output) {
        Throwable failure = start("--NUTS_CACHE_TTL_ORDERS=30");

        assertThat(messages(failure)).contains("NUTS_CACHE_TTL_ORDERS").contains("without a unit");
        assertThat(oneLineReport(output)).contains("NUTS_CACHE_TTL_ORDERS (nuts.cache.ttl.orders)");
    }

    @Test
    void shouldRefuseAnUpstreamUrlThatIsNotHttpNamingTheVariable(CapturedOutput output) {
        Throwable failure = start("--THETANUTS_INDEXER_URL=ftp://indexer.thetanuts.finance/api/v1/book");

        assertThat(messages(failure))
                .contains("THETANUTS_INDEXER_URL (nuts.indexer-url) must be an http:// or https:// URL");
        assertThat(oneLineReport(output)).contains("THETANUTS_INDEXER_URL");
    }

    @Test
    void shouldRefuseAMalformedDatabaseUrlWithoutShowingThePassword(CapturedOutput output) {
        Throwable failure = start("--DATABASE_URL=postgres://nuts:" + PASSWORD + "@db.example:port/nuts");

        assertThat(messages(failure)).contains("DATABASE_URL is not a usable PostgreSQL URL");
        assertThat(oneLineReport(output)).contains("DATABASE_URL");
        assertNoPassword(output, failure);
    }

    @Test
    void shouldRefuseAMalformedRedisUrlWithoutShowingThePassword(CapturedOutput output) {
        Throwable failure = start("--REDIS_URL=redis://:" + PASSWORD + "@127.0.0.1:notaport");

        assertThat(messages(failure)).contains("REDIS_URL is not a usable Redis URL");
        assertNoPassword(output, failure);
    }

    @Test
    void shouldNotShowThePasswordWhenTheDatabaseIsUnreachable(CapturedOutput output) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Throwable failure = start("--DATABASE_URL=postgres://nuts:" + PASSWORD + "@127.0.0.1:" + closedPort + "/nuts");

        assertThat(failure).isNotNull();
        assertNoPassword(output, failure);
    }

    @Test
    void shouldConnectWithAPasswordHoldingReservedCharactersAndWarnAboutTheSiweDefault(CapturedOutput output) {
        // The machine's PostgreSQL trusts loopback, so any password is accepted: what counts is that user, host,
        // port and database were read correctly around it.
        String schema = Instances.newSchema("t_cfg_");
        schemas.add(schema);
        try (ConfigurableApplicationContext app = Instances.startExactly(
                "--nuts.trades.scheduled-sync=false",
                "--spring.flyway.schemas=" + schema,
                "--DATABASE_URL=postgres://postgres:" + PASSWORD + "@127.0.0.1:5432/test?currentSchema=" + schema)) {
            int port = Instances.port(app);
            assertThat(output.getAll())
                    .contains("using the external PostgreSQL at jdbc:postgresql://127.0.0.1:5432/test as postgres");
            List<String> warnings = output.getAll()
                    .lines()
                    .filter(line -> line.contains("SIWE_DOMAIN is not set"))
                    .toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("must name localhost:" + port + " (SIWE_URI http://localhost:" + port);
            assertNoPassword(output, null);
        }
    }

    private static Throwable start(String... args) {
        String schema = Instances.newSchema("t_cfg_");
        schemas.add(schema);
        List<String> all = new ArrayList<>(List.of(
                "--nuts.trades.scheduled-sync=false",
                "--spring.flyway.schemas=" + schema,
                "--DATABASE_URL=" + TestDatabase.LOCAL_URL + "&currentSchema=" + schema));
        for (String arg : args) {
            if (arg.startsWith("--DATABASE_URL=")) all.removeIf(a -> a.startsWith("--DATABASE_URL="));
            all.add(arg);
        }
        Throwable failure = catchThrowable(
                () -> Instances.startExactly(all.toArray(String[]::new)).close());
        assertThat(failure).as("the start-up must be refused").isNotNull();
        return failure;
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    /** The refusal is one log line, without a stack trace. */
    private static String oneLineReport(CapturedOutput output) {
        List<String> lines = output.getAll()
                .lines()
                .filter(line -> line.contains("nutsgate cannot start: "))
                .toList();
        assertThat(lines).hasSize(1);
        // Spring Boot's own reports: a stack trace, or the multi-line failure analysis
        assertThat(output.getAll()).doesNotContain("Application run failed").doesNotContain("APPLICATION FAILED");
        return lines.get(0);
    }

    private static void assertNoPassword(CapturedOutput output, Throwable failure) {
        StringWriter trace = new StringWriter();
        if (failure != null) {
            failure.printStackTrace(new PrintWriter(trace));
        }
        for (String text : List.of(output.getAll(), trace.toString())) {
            assertThat(text)
                    .doesNotContain(PASSWORD)
                    .doesNotContain(ENCODED_PASSWORD)
                    .doesNotContain("s3cr");
        }
    }
}
