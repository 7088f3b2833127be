package io.nutsgate.database;

import io.nutsgate.settings.StartupRefusedException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * The PostgreSQL the service runs when {@code DATABASE_URL} is unset, with its data in one folder that outlives the
 * process ({@code NUTS_DATABASE_DIR}, {@code ./data/postgres}):
 *
 * <ul>
 *   <li>one instance per folder: {@code <folder>.lock} is locked for the life of the process, and a second instance
 *       is refused with one line naming the folder;
 *   <li>a server left running by an instance that was killed ({@code kill -9} skips every shutdown hook) is stopped
 *       before the new one starts, so the next start comes up;
 *   <li>durable: {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on (the trade history is
 *       data we must not lose);
 *   <li>reachable on 127.0.0.1 only (no Unix socket), with a password (SCRAM) generated on the first start and kept
 *       in {@code <folder>/nutsgate.password} (mode 600).
 * </ul>
 *
 * The server's own log goes to {@code <folder>.log}.
 */
final class EmbeddedDatabase implements JdbcConnectionDetails, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    static final String USER = "postgres";
    static final String PASSWORD_FILE = "nutsgate.password";
    static final String HBA =
            """
            # Written by nutsgate at every start: password (SCRAM) over loopback TCP only; there is no Unix socket.
            host all all 127.0.0.1/32 scram-sha-256
            """;
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(90);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(60);

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final EmbeddedPostgres postgres;
    private final String password;

    private EmbeddedDatabase(
            Path dir, FileChannel lockChannel, FileLock lock, EmbeddedPostgres postgres, String password) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.postgres = postgres;
        this.password = password;
    }

    static EmbeddedDatabase start(Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
        Path logFile = dir.resolveSibling(dir.getFileName() + ".log");
        FileChannel channel = null;
        try {
            Files.createDirectories(dir.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder =
                        Files.readString(lockFile, StandardCharsets.UTF_8).strip();
                throw new StartupRefusedException("another nutsgate"
                        + (holder.matches("\\d+") ? " (PID " + holder + ")" : "")
                        + " is already running on the embedded database in " + dir
                        + "; stop it first, or give this instance its own NUTS_DATABASE_DIR or a DATABASE_URL");
            }
            channel.truncate(0);
            channel.write(StandardCharsets.UTF_8.encode(ProcessHandle.current().pid() + "\n"));
            stopOrphanedServer(dir);
            String password = password(dir);
            log.info("DATABASE_URL unset: starting the embedded PostgreSQL with its data in {}", dir);
            EmbeddedPostgres postgres;
            try {
                postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(dir)
                        .setCleanDataDirectory(false)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("unix_socket_directories", "")
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on")
                        .setServerConfig("password_encryption", "scram-sha-256")
                        // Ignored while the cluster still trusts loopback (first start), required afterwards.
                        .setConnectConfig("password", password)
                        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .setPGStartupWait(STARTUP_WAIT)
                        // Stopped by the application context after the pool and everything using it (close()),
                        // not by a JVM hook of its own racing the context's shutdown: that one cut the connections
                        // of the beans still stopping and logged their PSQLExceptions.
                        .setRegisterShutdownHook(false)
                        .start();
            } catch (IOException | RuntimeException e) {
                throw new StartupRefusedException(
                        "the embedded PostgreSQL in " + dir + " did not start (" + e.getMessage() + "); see " + logFile,
                        e);
            }
            EmbeddedDatabase database = new EmbeddedDatabase(dir, channel, lock, postgres, password);
            try {
                database.requirePassword();
            } catch (IOException | SQLException | RuntimeException e) {
                database.close();
                throw new StartupRefusedException(
                        "could not secure the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
            }
            log.info("embedded PostgreSQL listening on 127.0.0.1:{}", postgres.getPort());
            return database;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupRefusedException("could not prepare the embedded database folder " + dir + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by another application context in this JVM
        }
    }

    /**
     * A {@code kill -9} of the service leaves its postmaster running, holding the folder; we hold the folder's lock,
     * so no live instance owns that server. It is asked to shut down (SIGTERM: it finishes what is in flight, and its
     * clients died with the old process) before ours starts. Only a process that really is the postmaster of this
     * folder is touched.
     */
    private static void stopOrphanedServer(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        long pid;
        try {
            pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            return; // PostgreSQL itself deals with a pid file it cannot use
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || !isPostmasterOf(process.get(), dir)) {
            return;
        }
        log.warn(
                "the embedded PostgreSQL (PID {}) of a previous run that did not shut down still holds {}; stopping it",
                pid,
                dir);
        ProcessHandle postmaster = process.get();
        postmaster.destroy();
        try {
            postmaster.onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn(
                    "PostgreSQL PID {} did not stop within {}; killing it (it recovers from its WAL)",
                    pid,
                    ORPHAN_STOP_WAIT);
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the previous PostgreSQL", e);
        } catch (ExecutionException e) {
            throw new IOException("could not wait for the previous PostgreSQL to stop", e);
        }
    }

    private static boolean isPostmasterOf(ProcessHandle process, Path dir) {
        String command = process.info().command().orElse("");
        if (!command.endsWith("postgres")) {
            return false;
        }
        String[] arguments = process.info().arguments().orElse(new String[0]);
        if (Arrays.asList(arguments).contains(dir.toString())) {
            return true;
        }
        try { // PostgreSQL works in its data directory
            return Files.isSameFile(Path.of("/proc", Long.toString(process.pid()), "cwd"), dir);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** The folder's password; a new one is made (and written once the cluster exists) on the first start. */
    private static String password(Path dir) throws IOException {
        Path file = dir.resolve(PASSWORD_FILE);
        if (Files.exists(dir.resolve("postgresql.conf")) && Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!stored.isEmpty()) {
                return stored;
            }
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * Keeps the password file, the role's password and {@code pg_hba.conf} in step, in an order that a crash at any
     * point leaves startable: the file first, then the role (the SCRAM verifier is computed here, the password never
     * travels), then the rule that demands it.
     */
    private void requirePassword() throws IOException, SQLException {
        Path file = dir.resolve(PASSWORD_FILE);
        if (!Files.exists(file)
                || !Files.readString(file, StandardCharsets.UTF_8).strip().equals(password)) {
            writePrivately(file, password + "\n");
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            connection.unwrap(PGConnection.class).alterUserPassword(USER, password.toCharArray(), null);
            Path hba = dir.resolve("pg_hba.conf");
            if (!Files.exists(hba)
                    || !Files.readString(hba, StandardCharsets.UTF_8).equals(HBA)) {
                writePrivately(hba, HBA);
                statement.execute("SELECT pg_reload_conf()");
            }
        }
    }

    private static void writePrivately(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    int port() {
        return postgres.getPort();
    }

    @Override
    public String getJdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    @Override
    public String getUsername() {
        return USER;
    }

    @Override
    public String getPassword() {
        return password;
    }

    /** Stops the server (after the pool that uses it: the pool depends on this bean) and frees the folder. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("the embedded PostgreSQL did not stop cleanly: {}", e.toString());
        } finally {
            try {
                lock.release();
            } catch (IOException e) {
                // closing the channel releases it too
            }
            closeQuietly(lockChannel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public String toString() {
        return "embedded PostgreSQL in " + dir;
    }
}
