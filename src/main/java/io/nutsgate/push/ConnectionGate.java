package io.nutsgate.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.settings.NutsProperties;
import io.socket.engineio.server.EngineIoSocket;
import io.socket.engineio.server.ReadyState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.TaskScheduler;

/**
 * Bounds the Socket.IO sessions of this instance ({@code NUTS_PUSH_MAX_CONNECTIONS}) and of one client
 * ({@code NUTS_PUSH_MAX_SESSIONS_PER_CLIENT}, by the rate limits' client address, see {@link ConnectionGateFilter}): a
 * handshake past either bound is refused and counted. Every session ends once it has been silent for its heartbeat
 * ({@code NUTS_PUSH_PING_INTERVAL} + {@code NUTS_PUSH_PING_TIMEOUT}) whatever its transport and however it was left:
 * the engine's own ping timeout does it, and a sweep here ends what the engine missed (a session whose ping task died
 * with a failed write, one left mid-upgrade) and frees its slot. Gauge {@code nuts_push_connections}, counters
 * {@code nuts_push_connections_rejected_total{reason}} and {@code nuts_push_sessions_expired_total}.
 */
final class ConnectionGate {

    /** The client's key, put on every {@code /socket.io/} request by {@link ConnectionGateFilter} (never the client's). */
    static final String CLIENT_HEADER = "x-nutsgate-push-client";

    private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);

    /** One open session: its client and when it was last heard from. */
    private static final class Tracked {
        final EngineIoSocket socket;
        final String client;
        volatile long lastHeard = System.nanoTime();
        volatile long closingSince;

        Tracked(EngineIoSocket socket, String client) {
            this.socket = socket;
            this.client = client;
        }
    }

    private final int max;
    private final int maxPerClient;
    private final long silentNanos;
    private final long graceNanos;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Tracked> sessions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final Counter rejectedFull;
    private final Counter rejectedClient;
    private final Counter expired;
    private final ScheduledFuture<?> sweeper;

    ConnectionGate(int max, NutsProperties.Push.Bounds bounds, MeterRegistry meters, TaskScheduler scheduler) {
        this.max = max;
        this.maxPerClient = bounds.maxSessionsPerClient();
        Duration heartbeat = bounds.pingInterval().plus(bounds.pingTimeout());
        this.silentNanos = heartbeat.toNanos();
        this.graceNanos = bounds.pingTimeout().toNanos();
        Gauge.builder("nuts.push.connections", open, AtomicInteger::get)
                .description("Socket.IO connections open on this instance")
                .register(meters);
        this.rejectedFull = rejectedCounter(meters, "instance_full");
        this.rejectedClient = rejectedCounter(meters, "client_full");
        this.expired = Counter.builder("nuts.push.sessions.expired")
                .description("Socket.IO sessions ended here after a silent heartbeat the engine did not end")
                .register(meters);
        Duration every = Duration.ofMillis(Math.max(50, bounds.pingTimeout().toMillis() / 2));
        this.sweeper = scheduler.scheduleWithFixedDelay(
                this::sweep, scheduler.getClock().instant().plus(every), every);
    }

    private static Counter rejectedCounter(MeterRegistry meters, String reason) {
        return Counter.builder("nuts.push.connections.rejected")
                .description("Socket.IO handshakes refused: the instance or the client holds its maximum")
                .tag("reason", reason)
                .register(meters);
    }

    /** Why a handshake is refused, or null when there is room. */
    String refusal(String client) {
        if (open.get() >= max) {
            rejectedFull.increment();
            log.debug("refused a Socket.IO handshake: {} connections open, the limit", max);
            return "this instance holds its maximum of " + max + " connections";
        }
        AtomicInteger mine = client == null ? null : perClient.get(client);
        if (mine != null && mine.get() >= maxPerClient) {
            rejectedClient.increment();
            return "this client holds its maximum of " + maxPerClient + " sessions (NUTS_PUSH_MAX_SESSIONS_PER_CLIENT)";
        }
        return null;
    }

    /** The engine's handshake interceptor: true while there is room for one more session of this client. */
    boolean admit(Map<String, String> query, Map<String, List<String>> headers) {
        return refusal(client(headers)) == null;
    }

    /** Counts an engine session until it closes, and hears every packet it receives. */
    void track(EngineIoSocket socket) {
        Tracked tracked = new Tracked(socket, client(socket.getInitialHeaders()));
        sessions.put(socket.getId(), tracked);
        open.incrementAndGet();
        if (tracked.client != null) {
            perClient.computeIfAbsent(tracked.client, c -> new AtomicInteger()).incrementAndGet();
        }
        socket.on("packet", args -> tracked.lastHeard = System.nanoTime());
        socket.on("close", args -> untrack(socket.getId()));
    }

    private void untrack(String sid) {
        Tracked tracked = sessions.remove(sid);
        if (tracked == null) {
            return;
        }
        open.decrementAndGet();
        if (tracked.client != null) {
            perClient.computeIfPresent(tracked.client, (c, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /**
     * Ends the sessions silent past their heartbeat: first as the engine would ({@code close()}), then, a ping timeout
     * later, by announcing the close itself, which frees the engine's, socket.io-server's and this gate's hold on it.
     */
    void sweep() {
        long now = System.nanoTime();
        for (Tracked tracked : sessions.values()) {
            try {
                if (now - tracked.lastHeard < silentNanos + graceNanos) {
                    continue;
                }
                if (tracked.closingSince == 0 && tracked.socket.getReadyState() != ReadyState.CLOSED) {
                    tracked.closingSince = now;
                    tracked.socket.close();
                } else if (tracked.socket.getReadyState() == ReadyState.CLOSED
                        || now - tracked.closingSince >= graceNanos) {
                    expired.increment();
                    tracked.socket.emit("close", "ping timeout", null);
                    untrack(tracked.socket.getId());
                }
            } catch (RuntimeException e) {
                // One broken session must not stop the sweep of the others.
                log.debug("sweeping Socket.IO session {}: {}", tracked.socket.getId(), e.toString());
                untrack(tracked.socket.getId());
            }
        }
    }

    /** Whether {@code sid} names an open engine session of this instance. */
    boolean isOpen(String sid) {
        return sessions.containsKey(sid);
    }

    /** Ends an engine session of this instance (its client sees a disconnect); false when there is none. */
    boolean close(String sid) {
        Tracked tracked = sid == null ? null : sessions.get(sid);
        if (tracked == null) {
            return false;
        }
        tracked.socket.close();
        return true;
    }

    /**
     * Ends every engine session of this instance, at shutdown: the clients see a transport close, which the official
     * client answers by reconnecting (to another instance behind the balancer, or to this one once it is back).
     */
    int closeAll() {
        int closed = 0;
        for (Tracked tracked : List.copyOf(sessions.values())) {
            tracked.socket.close();
            closed++;
        }
        return closed;
    }

    void shutdown() {
        sweeper.cancel(false);
    }

    /** The client key {@link ConnectionGateFilter} put on a session's handshake, or null. */
    static String client(Map<String, List<String>> headers) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (CLIENT_HEADER.equalsIgnoreCase(header.getKey())
                    && header.getValue() != null
                    && !header.getValue().isEmpty()) {
                return header.getValue().getLast();
            }
        }
        return null;
    }

    int max() {
        return max;
    }

    int open() {
        return open.get();
    }
}
