package io.nutsgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * nutsgate as an operator runs it: {@code java io.nutsgate.NutsgateApplication} in a child process, configured by
 * environment variables only (the machine's own {@code DATABASE_URL}, {@code REDIS_URL} and {@code PORT} are not
 * passed on), its output in a file the test reads. Closing it kills the process if it still runs.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final List<String> INHERITED_SETTINGS =
            List.of("DATABASE_URL", "REDIS_URL", "PORT", "MANAGEMENT_PORT");

    private final Process process;
    private final Path folder;
    private final Path output;
    private final int port;

    private ServiceProcess(Process process, Path folder, Path output, int port) {
        this.process = process;
        this.folder = folder;
        this.output = output;
        this.port = port;
    }

    /** Starts the service on a free {@code PORT} (unless {@code env} sets one) with {@code env} added. */
    public static ServiceProcess start(Path folder, Map<String, String> env) {
        int port = env.containsKey("PORT") ? portOf(env.get("PORT")) : freePort();
        try {
            Files.createDirectories(folder);
            Path output = Files.createTempFile(folder, "service-", ".log");
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m",
                    // a child that lives seconds: the quick compiler only and the small collector start it sooner
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.nutsgate.NutsgateApplication");
            INHERITED_SETTINGS.forEach(builder.environment()::remove);
            builder.environment().put("PORT", Integer.toString(port));
            builder.environment().put("NUTS_TRADES_SCHEDULED_SYNC", "false");
            builder.environment()
                    .put("NUTS_DATABASE_DIR", folder.resolve("postgres").toString());
            builder.environment().putAll(env);
            builder.redirectErrorStream(true).redirectOutput(output.toFile());
            return new ServiceProcess(builder.start(), folder, output, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int portOf(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public Process process() {
        return process;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the start-up to finish; fails with the output when the process exits first. */
    public void awaitStarted(Duration limit) {
        Awaitility.await("nutsgate started")
                .atMost(limit)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("the service exited while starting:\n" + output());
                    }
                    return output().contains("Started NutsgateApplication");
                });
    }

    /** Waits for the process to end and returns its exit status. */
    public int awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the service did not exit within " + limit + ":\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopEmbeddedPostgres();
        }
    }

    /** A killed service leaves its embedded PostgreSQL running (its own session): stop it too. */
    private void stopEmbeddedPostgres() {
        Path pid = folder.resolve("postgres").resolve("postmaster.pid");
        try {
            if (Files.exists(pid)) {
                long postmaster = Long.parseLong(Files.readAllLines(pid).get(0).strip());
                ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroy);
            }
        } catch (IOException | RuntimeException e) {
            // nothing more to stop
        }
    }
}
