package io.nutsgate.push;

import io.nutsgate.settings.NutsProperties;
import io.socket.engineio.server.EngineIoServer;
import io.socket.engineio.server.utils.ParseQS;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection of a Socket.IO client, handed to the engine. Messages arrive in parts (Tomcat keeps
 * only an 8 KB buffer per connection) and are joined up to {@code NUTS_PUSH_MAX_MESSAGE}; a bigger message closes
 * this socket with 1009 (as the reference server does past its {@code maxHttpBufferSize}). An exception from a
 * handler is counted and never ends the read loop.
 */
final class EngineIoEndpoint extends Endpoint {

    static final String HEADERS = "nuts.push.headers";
    private static final Logger log = LoggerFactory.getLogger(EngineIoEndpoint.class);
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private final EngineIoServer engine;
    private final NutsProperties.Push settings;
    private final ExecutorService writers;
    private final PushMetrics metrics;
    private final InboundLimits limits;
    private final long maxMessage;
    /** Bytes of the message being joined, taken from the instance's budget ({@link InboundLimits}). */
    private long reserved;

    private QueuedWebSocket socket;
    private StringBuilder text;
    private ByteArrayOutputStream binary;
    private boolean discarding;

    EngineIoEndpoint(
            EngineIoServer engine,
            NutsProperties.Push settings,
            ExecutorService writers,
            PushMetrics metrics,
            InboundLimits limits) {
        this.engine = engine;
        this.settings = settings;
        this.writers = writers;
        this.metrics = metrics;
        this.limits = limits;
        this.maxMessage = settings.maxMessageSize().toBytes();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onOpen(Session session, EndpointConfig config) {
        session.getUserProperties()
                .put(BLOCKING_SEND_TIMEOUT, settings.sendTimeout().toMillis());
        Map<String, List<String>> headers =
                (Map<String, List<String>>) config.getUserProperties().getOrDefault(HEADERS, Map.of());
        if (SocketIoQuery.parse(session.getQueryString()).isEmpty()) {
            // socket.io-server's reader throws on these (a stack trace per connection): refused with a close code.
            metrics.rejected(PushMetrics.BAD_PACKET);
            QueuedWebSocket.closeSession(
                    session,
                    new CloseReason(
                            CloseReason.CloseCodes.VIOLATED_POLICY,
                            "the query must name EIO and transport, each once"));
            return;
        }
        Map<String, String> query = ParseQS.decode(session.getQueryString());
        socket = new QueuedWebSocket(session, query, headers, writers, settings.maxQueuedMessages(), metrics);
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::onText);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::onBinary);
        engine.handleWebSocket(socket);
    }

    private void onText(String part, boolean last) {
        if (!discarding) {
            if (text == null) {
                text = new StringBuilder(part.length());
            }
            if (text.length() + (long) part.length() > maxMessage) {
                tooLarge();
            } else if (hold(2L * part.length())) {
                text.append(part);
            }
        }
        if (last) {
            String message = discarding || text == null ? null : text.toString();
            text = null;
            discarding = false;
            releaseHeld();
            if (message != null) {
                deliver(message);
            }
        }
    }

    private void onBinary(ByteBuffer part, boolean last) {
        if (!discarding) {
            if (binary == null) {
                binary = new ByteArrayOutputStream(part.remaining());
            }
            if (binary.size() + (long) part.remaining() > maxMessage) {
                tooLarge();
            } else if (hold(part.remaining())) {
                byte[] bytes = new byte[part.remaining()];
                part.get(bytes);
                binary.writeBytes(bytes);
            }
        }
        if (last) {
            byte[] message = discarding || binary == null ? null : binary.toByteArray();
            binary = null;
            discarding = false;
            releaseHeld();
            if (message != null) {
                deliver(message);
            }
        }
    }

    /** Takes a part's bytes from the instance's budget, or closes this socket when the instance holds its maximum. */
    private boolean hold(long bytes) {
        if (limits.reserve(bytes)) {
            reserved += bytes;
            return true;
        }
        discarding = true;
        text = null;
        binary = null;
        releaseHeld();
        socket.close(limits.rejected(
                InboundLimits.INSTANCE_BUFFER_FULL, "the instance holds its maximum of buffered input"));
        return false;
    }

    private void releaseHeld() {
        if (reserved > 0) {
            limits.release(reserved);
            reserved = 0;
        }
    }

    private void tooLarge() {
        discarding = true;
        text = null;
        binary = null;
        releaseHeld();
        metrics.rejected(PushMetrics.MESSAGE_TOO_LARGE);
        socket.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message larger than " + maxMessage + " bytes"));
    }

    private void deliver(Object message) {
        try {
            limits.reading(socket, () -> socket.emit("message", message));
        } catch (RuntimeException e) {
            // A packet the parser or a handler choked on: the socket stays, the message is dropped.
            metrics.rejected(PushMetrics.BAD_PACKET);
            log.debug("dropped a Socket.IO message: {}", e.toString());
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        text = null;
        binary = null;
        releaseHeld();
        if (socket != null) {
            socket.closed();
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        if (socket != null) {
            socket.emit("error", "websocket error", String.valueOf(error.getMessage()));
        }
    }
}
