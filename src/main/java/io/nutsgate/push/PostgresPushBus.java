package io.nutsgate.push;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.jobs.NamedExecutors;
import io.nutsgate.resilience.Retries;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import tools.jackson.databind.json.JsonMapper;

/**
 * Instances share pushes over PostgreSQL {@code LISTEN/NOTIFY} when there is no Redis. The channel is
 * {@code nuts_push:<schema>}, so only instances sharing the same tables share pushes. A push is emitted to this
 * instance's sockets at once and sent as {@code {room, event, payload}} JSON, cut into parts of at most
 * {@value #PART_CHARS} characters (at most {@value #PART_CHARS}×3 bytes of UTF-8, under PostgreSQL's 8,000-byte
 * payload limit); each part is one notification {@code <origin> <id> <index> <count> <text>}, and all parts of a push
 * are sent in one transaction, so they arrive together or not at all, and receivers join them. No table is needed and
 * nothing is left to clean up.
 *
 * <p>Sending runs on one background thread with a bounded queue (connections from the pool, 5 s statement timeout),
 * so the database never blocks a request, through the {@code push-pg-notify} circuit breaker
 * ({@code NUTS_PUSH_BUS_BREAKER_*}), so a queue built up during an outage drains without waiting on the database. Receiving holds one dedicated connection outside the pool while this instance
 * has subscribers (opened at the first subscription, closed a minute after the last one left), waiting for
 * notifications and checking the connection every 10 s; when it breaks it is opened again every 2 s. While either side
 * fails, pushes stay local and the failure is logged once (and once when it works again). Notifications sent while an
 * instance was not listening are lost; pushes carry changes, and clients reload over REST after a reconnect.
 */
final class PostgresPushBus implements PushBus, SmartLifecycle {

    static final String CHANNEL_PREFIX = "nuts_push:";

    /** Characters per notification part: at most 3 bytes each in UTF-8, plus a short header, under 8,000 bytes. */
    static final int PART_CHARS = 2_600;

    private static final Logger log = LoggerFactory.getLogger(PostgresPushBus.class);
    private static final int MAX_PARTIAL = 1_000;
    private static final long CHECK_MILLIS = 10_000;
    /** How long the listening connection stays open after the last room here closed. */
    private static final long IDLE_MILLIS = 60_000;

    record Envelope(String room, String event, String payload) {}

    /** A push arriving in parts. */
    private static final class Partial {
        final String[] parts;
        int received;

        Partial(int count) {
            this.parts = new String[count];
        }
    }

    private final DataSource pool;
    private final String listenUrl;
    private final Properties listenProperties;
    private final PushSockets sockets;
    private final PushMetrics metrics;
    private final String origin;
    private final JsonMapper json;
    private final AtomicLong ids = new AtomicLong();
    /** One thread sends, with a bounded queue, so the database never blocks a request. */
    private final ThreadPoolTaskExecutor publisher;
    /** Stops sending while the database keeps failing. */
    private final CircuitBreaker breaker;
    /** Listens again every {@code NUTS_PUSH_BUS_RETRY} while the listening connection fails. */
    private final Retry relisten;

    private final Duration retryInterval;
    private final Map<String, Partial> partial = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Partial> eldest) {
            return size() > MAX_PARTIAL;
        }
    };
    private final AtomicBoolean sendFailing = new AtomicBoolean();
    private final AtomicBoolean listenFailing = new AtomicBoolean();
    private volatile String channel;
    private volatile boolean running;
    private volatile Thread listener;
    private volatile Connection listening;
    private volatile boolean listeningNow;

    /**
     * @param listenUrl the JDBC URL of the pool's database, for the dedicated listening connection
     * @param listenProperties user, password and other connection properties of the pool
     */
    PostgresPushBus(
            DataSource pool,
            String listenUrl,
            Properties listenProperties,
            PushSockets sockets,
            PushMetrics metrics,
            PushInstance instance,
            JsonMapper json,
            Duration retryInterval,
            Retries retries,
            CircuitBreaker breaker,
            MeterRegistry meters) {
        this.publisher = NamedExecutors.singleThread("push-pg-notify", 10_000, meters);
        this.breaker = breaker;
        this.retryInterval = retryInterval;
        this.relisten = retries.retry("push-pg-listen", Integer.MAX_VALUE, retryInterval, e -> true, null);
        this.pool = pool;
        this.listenUrl = listenUrl;
        this.listenProperties = new Properties();
        this.listenProperties.putAll(listenProperties);
        this.listenProperties.setProperty("connectTimeout", "5");
        this.listenProperties.setProperty("loginTimeout", "5");
        this.listenProperties.setProperty("socketTimeout", String.valueOf(3 * CHECK_MILLIS / 1000));
        this.listenProperties.setProperty("tcpKeepAlive", "true");
        this.listenProperties.setProperty("ApplicationName", "nutsgate-push-listen");
        this.sockets = sockets;
        this.metrics = metrics;
        this.origin = instance.id();
        this.json = json;
        sockets.onRoomOpened(() -> {
            Thread thread = listener;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        });
    }

    @Override
    public void publish(PushMessage message) {
        metrics.published(message.event());
        sockets.emitLocal(message);
        try {
            publisher.execute(() -> send(message));
        } catch (RejectedExecutionException e) {
            sendFailed("the notify queue is full or closed");
        }
    }

    /** The notification payloads of one push: {@code <origin> <id> <index> <count> <text>}. */
    static List<String> parts(String origin, long id, String body) {
        List<String> slices = new ArrayList<>();
        int start = 0;
        while (start < body.length() || slices.isEmpty()) {
            int end = Math.min(body.length(), start + PART_CHARS);
            if (end < body.length() && Character.isHighSurrogate(body.charAt(end - 1))) {
                end--; // keep a surrogate pair in one part
            }
            slices.add(body.substring(start, end));
            start = end;
        }
        List<String> parts = new ArrayList<>(slices.size());
        for (int i = 0; i < slices.size(); i++) {
            parts.add(origin + " " + id + " " + i + " " + slices.size() + " " + slices.get(i));
        }
        return parts;
    }

    private void send(PushMessage message) {
        String target = channel;
        if (target == null) {
            sendFailed("the schema is not known yet (no database at start)");
            return;
        }
        String body = json.writeValueAsString(new Envelope(message.room(), message.event(), message.payload()));
        try {
            breaker.executeCheckedRunnable(() -> sendParts(target, body));
            if (sendFailing.compareAndSet(true, false)) {
                log.info("PostgreSQL push fan-out (NOTIFY) works again");
            }
        } catch (CallNotPermittedException e) {
            sendFailed("not sent: the push-pg-notify circuit breaker is open after repeated failures");
        } catch (Error e) {
            throw e;
        } catch (Throwable e) { // sendParts throws SQLException or a RuntimeException
            sendFailed(e.toString());
        }
    }

    /** Sends the parts of {@code body} to {@code target} in one transaction. */
    private void sendParts(String target, String body) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setQueryTimeout(5);
                for (String part : parts(origin, ids.incrementAndGet(), body)) {
                    notify.setString(1, target);
                    notify.setString(2, part);
                    notify.execute();
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private void sendFailed(String why) {
        metrics.busFailure();
        if (sendFailing.compareAndSet(false, true)) {
            log.warn(
                    "PostgreSQL push fan-out (NOTIFY) failed, pushes reach this instance's sockets only until it"
                            + " recovers: {}",
                    why);
        }
    }

    // ---- receiving ----

    private void listen() {
        while (running) {
            // Only an instance with subscribers here needs to hear other instances' pushes: an idle one holds no
            // connection (and wakes up at the first subscription).
            if (!sockets.hasRooms()) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                continue;
            }
            try {
                relisten.executeCheckedSupplier(() -> {
                    listenOnce();
                    return null;
                });
            } catch (Throwable e) {
                // the retry gives up only when interrupted: stopping
                if (!running) {
                    return;
                }
            }
        }
    }

    /**
     * Connects, listens and hands the notifications to the sockets until this instance has no subscribers left
     * (returns) or the connection fails (throws, and {@link #relisten} tries again).
     */
    private void listenOnce() throws SQLException {
        if (!running || !sockets.hasRooms()) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(listenUrl, listenProperties)) {
            listening = connection;
            String schema;
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
                rs.next();
                schema = rs.getString(1);
            }
            channel = CHANNEL_PREFIX + schema;
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
            }
            try (PreparedStatement name =
                    connection.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                name.setString(1, "nutsgate-push-listen " + channel); // who listens on what, in pg_stat_activity
                name.execute();
            }
            if (listenFailing.compareAndSet(true, false)) {
                log.info("PostgreSQL push fan-out (LISTEN) works again");
            } else {
                log.debug("listening for pushes from other instances on PostgreSQL channel {}", channel);
            }
            listeningNow = true;
            PGConnection pg = connection.unwrap(PGConnection.class);
            long idleSince = 0;
            while (running) {
                if (sockets.hasRooms()) {
                    idleSince = 0;
                } else if (idleSince == 0) {
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince > TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
                    log.debug("no subscribers here: stopped listening on {}", channel);
                    break;
                }
                PGNotification[] notifications = pg.getNotifications((int) CHECK_MILLIS);
                if (notifications == null || notifications.length == 0) {
                    try (Statement statement = connection.createStatement()) {
                        statement.setQueryTimeout(5);
                        statement.execute("SELECT 1");
                    }
                    continue;
                }
                for (PGNotification notification : notifications) {
                    receive(notification.getParameter());
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (!running) {
                return;
            }
            if (listenFailing.compareAndSet(false, true)) {
                metrics.busFailure(); // once per outage, not per retry
                log.warn(
                        "PostgreSQL push fan-out (LISTEN) failed, pushes from other instances are missed until it"
                                + " recovers (retrying every {} ms): {}",
                        retryInterval.toMillis(),
                        e.toString());
            }
            throw e;
        } finally {
            listening = null;
            listeningNow = false;
        }
    }

    /** One notification: a whole push, or one part of one. */
    void receive(String notification) {
        String[] fields = notification.split(" ", 5);
        if (fields.length < 5) {
            log.warn("ignored an unreadable notification on {}", channel);
            return;
        }
        if (fields[0].equals(origin)) {
            return;
        }
        String body;
        try {
            int index = Integer.parseInt(fields[2]);
            int count = Integer.parseInt(fields[3]);
            if (count == 1) {
                body = fields[4];
            } else {
                body = join(fields[0] + " " + fields[1], index, count, fields[4]);
                if (body == null) {
                    return;
                }
            }
            Envelope envelope = json.readValue(body, Envelope.class);
            if (envelope.room() != null && envelope.event() != null && envelope.payload() != null) {
                sockets.emitLocal(new PushMessage(envelope.room(), envelope.event(), envelope.payload()));
            }
        } catch (RuntimeException e) {
            log.warn("ignored an unreadable notification on {}: {}", channel, e.toString());
        }
    }

    private String join(String key, int index, int count, String text) {
        if (count < 2 || count > 10_000 || index < 0 || index >= count) {
            throw new IllegalArgumentException("part " + index + " of " + count);
        }
        Partial p = partial.computeIfAbsent(key, k -> new Partial(count));
        if (p.parts.length != count || p.parts[index] != null) {
            partial.remove(key);
            throw new IllegalArgumentException("inconsistent parts of " + key);
        }
        p.parts[index] = text;
        if (++p.received < count) {
            return null;
        }
        partial.remove(key);
        return String.join("", p.parts);
    }

    /** Whether the dedicated connection is listening now (it does only while this instance has subscribers). */
    boolean isListening() {
        return listeningNow;
    }

    @Override
    public void start() {
        running = true;
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
            rs.next();
            channel = CHANNEL_PREFIX + rs.getString(1);
        } catch (SQLException e) {
            log.debug("the push channel's schema is read when listening starts: {}", e.toString());
        }
        log.info(
                "pushes fan out between instances over PostgreSQL LISTEN/NOTIFY (channel {}), listening while there"
                        + " are subscribers here",
                channel);
        listener = Thread.ofPlatform().name("push-pg-listen").daemon(true).start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        publisher.shutdown();
        Thread thread = listener;
        if (thread != null) {
            thread.interrupt();
        }
        Connection connection = listening;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
