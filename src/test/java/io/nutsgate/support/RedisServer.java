package io.nutsgate.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A {@code redis-server} of a test's own on a free loopback port, so a test can kill it and start it again (an
 * outage and a recovery) without touching the machine's Redis or other tests, and look inside it with
 * {@link #command}. Nothing is persisted; its working directory is a temporary one, removed on {@link #close()}.
 */
public final class RedisServer implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final long START_TIMEOUT_MS = 10_000;

    private final int port;
    private final Path dir;
    private Process process;
    private RedisClient inspector;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Whether {@code redis-server} is an executable on the PATH. */
    public static boolean installed() {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "redis-server"))) return true;
        }
        return false;
    }

    /**
     * {@link #onFreePort()}, or the test is skipped (failed under {@code CI=true}) when {@code redis-server} is not on
     * the PATH.
     */
    public static RedisServer onFreePortIfInstalled() {
        if (!installed()) {
            if (RequiredService.inCi()) {
                throw new IllegalStateException("redis-server is not on the PATH; CI=true, so this is a failure");
            }
            org.junit.jupiter.api.Assumptions.abort("redis-server is needed");
        }
        return onFreePort();
    }

    /** A server on a port nothing listens on now; not started. */
    public static RedisServer onFreePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return new RedisServer(socket.getLocalPort(), Files.createTempDirectory("nutsgate-redis"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://" + HOST + ":" + port;
    }

    /**
     * Starts it, empty, on its port (the same each time: this restarts it after {@link #kill()}) and waits until it
     * answers.
     */
    public RedisServer start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server already runs on port " + port);
        }
        try {
            process = new ProcessBuilder(
                            "redis-server",
                            "--port",
                            String.valueOf(port),
                            "--bind",
                            HOST,
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            dir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server is needed (apt-get install redis-server)", e);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (!RequiredService.reachable(HOST, port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return this;
    }

    /**
     * One command on a connection of the test's own (never the application's), opened for it and closed after; fails
     * while the server is down.
     */
    public <T> T command(Function<RedisCommands<String, String>, T> command) {
        try (StatefulRedisConnection<String, String> connection = inspector().connect()) {
            return command.apply(connection.sync());
        }
    }

    private synchronized RedisClient inspector() {
        if (inspector == null) {
            inspector = RedisClient.create(url());
        }
        return inspector;
    }

    /** The outage: SIGKILL ({@code kill -9}), and waits until it has exited. */
    public void kill() {
        if (process == null) return;
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops it (SIGTERM, then SIGKILL after 5 s) and the test's client, and removes its directory. */
    @Override
    public void close() {
        synchronized (this) {
            if (inspector != null) {
                inspector.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                inspector = null;
            }
        }
        try {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
