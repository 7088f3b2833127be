package io.nutsgate.push;

import io.socket.engineio.server.EngineIoWebSocket;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.tomcat.websocket.WsSession;

/**
 * The engine's view of one WebSocket. Writes never block the caller (the engine writes under its per-socket lock,
 * and a broadcast must not wait for a slow client): they queue, and one task at a time per socket sends them in
 * order with Tomcat's blocking send, bounded by {@code NUTS_PUSH_SEND_TIMEOUT}. A socket with more than
 * {@code NUTS_PUSH_MAX_QUEUED} messages waiting is closed (1008) and counted as a slow consumer.
 */
final class QueuedWebSocket extends EngineIoWebSocket {

    /**
     * Null once the connection ended: the engine and Socket.IO keep this object for a while after (until their timers
     * fire), and Tomcat's session holds about 30 KB of buffers that need not wait with it.
     */
    private volatile Session session;

    private final Map<String, String> query;
    private final Map<String, List<String>> headers;
    private final ExecutorService writers;
    private final int maxQueued;
    private final PushMetrics metrics;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    QueuedWebSocket(
            Session session,
            Map<String, String> query,
            Map<String, List<String>> headers,
            ExecutorService writers,
            int maxQueued,
            PushMetrics metrics) {
        this.session = session;
        this.query = query;
        this.headers = headers;
        this.writers = writers;
        this.maxQueued = maxQueued;
        this.metrics = metrics;
    }

    @Override
    public Map<String, String> getQuery() {
        return query;
    }

    @Override
    public Map<String, List<String>> getConnectionHeaders() {
        return headers;
    }

    @Override
    public void write(String message) {
        enqueue(message);
    }

    @Override
    public void write(byte[] message) {
        enqueue(message);
    }

    @Override
    public void close() {
        close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
    }

    /**
     * Sends the close frame. A normal close waits for the client's reply as the protocol asks; any other (a refused
     * or broken client) drops the connection right after the frame, because Tomcat would otherwise go on reading and
     * unmasking whatever the client still sends until its reply comes or the session close timeout passes: a refused
     * attacker writing megabyte frames cost the instance most of its CPU that way.
     */
    void close(CloseReason reason) {
        Session open = session;
        if (closed.compareAndSet(false, true) && open != null) {
            queue.clear();
            closeSession(open, reason);
        }
    }

    static void closeSession(Session session, CloseReason reason) {
        try {
            if (session instanceof WsSession tomcat && reason.getCloseCode() != CloseReason.CloseCodes.NORMAL_CLOSURE) {
                tomcat.doClose(reason, reason, true);
            } else {
                session.close(reason);
            }
        } catch (IOException | RuntimeException ignored) {
            // already gone
        }
    }

    /** The container saw the connection end. */
    void closed() {
        closed.set(true);
        queue.clear();
        session = null;
        emit("close");
    }

    private void enqueue(Object message) {
        if (closed.get()) {
            return;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            metrics.rejected(PushMetrics.SLOW_CONSUMER);
            close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "too many messages waiting"));
            return;
        }
        queue.add(message);
        if (draining.compareAndSet(false, true)) {
            try {
                writers.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false); // shutting down
            }
        }
    }

    private void drain() {
        do {
            Object message;
            while ((message = queue.poll()) != null) {
                queued.decrementAndGet();
                Session open = session;
                if (closed.get() || open == null) {
                    continue;
                }
                try {
                    if (message instanceof String text) {
                        open.getBasicRemote().sendText(text);
                    } else {
                        open.getBasicRemote().sendBinary(ByteBuffer.wrap((byte[]) message));
                    }
                } catch (IOException | RuntimeException e) {
                    close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "write failed"));
                }
            }
            draining.set(false);
            // A write queued after the last poll and before the flag was cleared: take it too.
        } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }
}
