package io.nutsgate.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.socket.engineio.server.EngineIoSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the Socket.IO connections of this instance ({@code NUTS_PUSH_MAX_CONNECTIONS}): a handshake past the bound
 * is refused and counted. Gauge {@code nuts_push_connections}, counter
 * {@code nuts_push_connections_rejected_total}.
 */
final class ConnectionGate {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, EngineIoSocket> sessions = new ConcurrentHashMap<>();
    private final Counter rejected;

    ConnectionGate(int max, MeterRegistry meters) {
        this.max = max;
        Gauge.builder("nuts.push.connections", open, AtomicInteger::get)
                .description("Socket.IO connections open on this instance")
                .register(meters);
        this.rejected = Counter.builder("nuts.push.connections.rejected")
                .description("Socket.IO handshakes refused because the instance holds NUTS_PUSH_MAX_CONNECTIONS")
                .register(meters);
    }

    /** The engine's handshake interceptor: true while there is room for one more connection. */
    boolean admit(Map<String, String> query, Map<String, List<String>> headers) {
        if (open.get() >= max) {
            rejected.increment();
            log.debug("refused a Socket.IO handshake: {} connections open, the limit", max);
            return false;
        }
        return true;
    }

    /** Counts an engine connection until it closes. */
    void track(EngineIoSocket socket) {
        open.incrementAndGet();
        sessions.put(socket.getId(), socket);
        socket.on("close", args -> {
            open.decrementAndGet();
            sessions.remove(socket.getId());
        });
    }

    /** Ends an engine session of this instance (its client sees a disconnect); false when there is none. */
    boolean close(String sid) {
        EngineIoSocket socket = sid == null ? null : sessions.get(sid);
        if (socket == null) {
            return false;
        }
        socket.close();
        return true;
    }

    /**
     * Ends every engine session of this instance, at shutdown: the clients see a transport close, which the official
     * client answers by reconnecting (to another instance behind the balancer, or to this one once it is back).
     */
    int closeAll() {
        int closed = 0;
        for (EngineIoSocket socket : List.copyOf(sessions.values())) {
            socket.close();
            closed++;
        }
        return closed;
    }

    int max() {
        return max;
    }

    int open() {
        return open.get();
    }
}
