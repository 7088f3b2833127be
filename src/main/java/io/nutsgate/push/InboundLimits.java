package io.nutsgate.push;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.common.RateLimitedLog;
import io.nutsgate.settings.NutsProperties;
import io.socket.engineio.server.EngineIoSocket;
import io.socket.engineio.server.parser.Packet;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * What a Socket.IO client may make this instance hold, checked on every Engine.IO packet of every transport before the
 * Socket.IO parser sees it (the engine emits {@code packet} before {@code data}, on the reading thread):
 *
 * <ul>
 *   <li>a binary event or ack may announce at most {@code NUTS_PUSH_MAX_ATTACHMENTS} attachments (socket.io-server
 *       keeps every announced attachment in a list until the last one arrives: 1,000,000 announced ones were an
 *       {@code OutOfMemoryError});
 *   <li>the attachments a socket has sent and the parser still holds may total {@code NUTS_PUSH_MAX_BUFFERED_PER_SOCKET};
 *   <li>all such bytes of the instance, with the WebSocket messages being joined ({@link EngineIoEndpoint}) and the
 *       polling bodies being read ({@link SocketIoController}), {@code NUTS_PUSH_MAX_BUFFERED}: gauge
 *       {@code nuts_push_buffered_bytes};
 *   <li>at most {@code NUTS_PUSH_MAX_PACKETS_PER_SECOND} packets per second per socket (a bucket of that size).
 * </ul>
 *
 * A socket over a bound is closed at once (WebSocket: 1008 with the reason; polling: its session ends), the packet is
 * dropped unread and {@code nuts_push_rejected_total{reason}} counts it; one log line per reason and minute.
 */
final class InboundLimits {

    static final String TOO_MANY_ATTACHMENTS = "too_many_attachments";
    static final String SOCKET_BUFFER_FULL = "socket_buffer_full";
    static final String INSTANCE_BUFFER_FULL = "instance_buffer_full";
    static final String TOO_MANY_PACKETS = "too_many_packets";
    static final String UNEXPECTED_ATTACHMENT = "unexpected_attachment";
    static final String TOO_DEEP = "too_deep";

    /** Our events nest three levels; the JSON reader recurses per level (a deep one overflowed its stack). */
    static final int MAX_DEPTH = 32;

    private static final ThreadLocal<Reading> READING = new ThreadLocal<>();

    private final NutsProperties.Push.Bounds bounds;
    private final PushMetrics metrics;
    private final AtomicLong buffered = new AtomicLong();
    private final RateLimitedLog rejections =
            new RateLimitedLog(LoggerFactory.getLogger(InboundLimits.class), Duration.ofMinutes(1));

    InboundLimits(NutsProperties.Push.Bounds bounds, PushMetrics metrics, MeterRegistry meters) {
        this.bounds = bounds;
        this.metrics = metrics;
        Gauge.builder("nuts.push.buffered", buffered, AtomicLong::get)
                .description("Bytes of Socket.IO input this instance holds (messages being joined, attachments)")
                .baseUnit("bytes")
                .register(meters);
    }

    /** Takes {@code bytes} from the instance's budget; false (nothing taken) when that would pass the bound. */
    boolean reserve(long bytes) {
        long max = bounds.maxBuffered().toBytes();
        while (true) {
            long now = buffered.get();
            if (now + bytes > max) {
                return false;
            }
            if (buffered.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        buffered.addAndGet(-bytes);
    }

    long buffered() {
        return buffered.get();
    }

    /** Counts, logs (rate-limited) and hands back the close reason of a socket over a bound. */
    CloseReason rejected(String reason, String detail) {
        metrics.rejected(reason);
        rejections.info(reason, "closed a Socket.IO socket over a bound ({}): {}", reason, detail);
        return new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, truncate(reason + ": " + detail));
    }

    /**
     * Runs {@code delivery} (a WebSocket message handed to the engine) so that a bound tripped while the engine handles
     * it closes this WebSocket with its reason.
     */
    void reading(QueuedWebSocket socket, Runnable delivery) {
        Reading reading = new Reading(socket);
        READING.set(reading);
        try {
            delivery.run();
        } finally {
            READING.remove();
            if (reading.refusal != null) {
                reading.refusal.run();
            }
        }
    }

    /**
     * The WebSocket whose message the engine is handling on this thread, and the close a bound tripped meanwhile. The
     * close waits for the engine to finish the packet: it re-arms the session's ping timeout after its listeners ran,
     * and a timer armed after the close would hold the closed session until it fires ({@link HeartbeatTimers}).
     */
    private static final class Reading {
        final QueuedWebSocket socket;
        Runnable refusal;

        Reading(QueuedWebSocket socket) {
            this.socket = socket;
        }
    }

    /** Checks every packet the session receives from now on. */
    void watch(EngineIoSocket socket) {
        Session session = new Session(socket);
        socket.on("packet", args -> session.check((Packet<?>) args[0]));
        socket.on("close", args -> session.release());
    }

    /** One Engine.IO session's count of packets and attachments. */
    private final class Session {
        private final EngineIoSocket socket;
        private final Bucket packets;
        private int attachmentsExpected;
        private long attachmentBytes;
        private boolean closed;

        Session(EngineIoSocket socket) {
            this.socket = socket;
            int perSecond = bounds.maxPacketsPerSecond();
            this.packets = Bucket.builder()
                    .addLimit(Bandwidth.builder()
                            .capacity(perSecond)
                            .refillGreedy(perSecond, Duration.ofSeconds(1))
                            .build())
                    .build();
        }

        /** Called by the engine under its transport's lock, one packet at a time. */
        synchronized void check(Packet<?> packet) {
            if (closed) {
                drop(packet);
                return;
            }
            if (!packets.tryConsume(1)) {
                refuse(packet, TOO_MANY_PACKETS, "more than " + bounds.maxPacketsPerSecond() + " packets a second");
                return;
            }
            if (!Packet.MESSAGE.equals(packet.type)) {
                return;
            }
            if (packet.data instanceof String text) {
                if (depth(text) > MAX_DEPTH) {
                    refuse(packet, TOO_DEEP, "a packet nested deeper than " + MAX_DEPTH + " levels");
                    return;
                }
                int announced = attachments(text);
                if (announced < 0) {
                    return;
                }
                if (announced > bounds.maxAttachments()) {
                    refuse(
                            packet,
                            TOO_MANY_ATTACHMENTS,
                            "a packet announced " + (announced == Integer.MAX_VALUE ? "too many" : announced)
                                    + " attachments, at most " + bounds.maxAttachments());
                    return;
                }
                // A new binary packet replaces an unfinished one in the parser: what that one held is gone.
                releaseAttachments();
                attachmentsExpected = announced;
            } else if (packet.data instanceof byte[] bytes) {
                if (attachmentsExpected == 0) {
                    refuse(packet, UNEXPECTED_ATTACHMENT, "binary data without a binary packet announcing it");
                    return;
                }
                if (attachmentBytes + bytes.length
                        > bounds.maxBufferedPerSocket().toBytes()) {
                    refuse(
                            packet,
                            SOCKET_BUFFER_FULL,
                            "attachments over " + bounds.maxBufferedPerSocket().toBytes() + " bytes");
                    return;
                }
                if (!reserve(bytes.length)) {
                    refuse(packet, INSTANCE_BUFFER_FULL, "the instance holds its maximum of buffered input");
                    return;
                }
                attachmentBytes += bytes.length;
                if (--attachmentsExpected == 0) {
                    // The last one: the parser hands the whole packet on and keeps nothing.
                    releaseAttachments();
                }
            }
        }

        private void refuse(Packet<?> packet, String reason, String detail) {
            drop(packet);
            closed = true;
            releaseAttachments();
            CloseReason close = rejected(reason, detail);
            Reading reading = READING.get();
            if (reading == null) {
                socket.close(); // long-polling: no WebSocket to give the reason to
            } else {
                reading.refusal = () -> {
                    reading.socket.close(close);
                    socket.close();
                };
            }
        }

        synchronized void release() {
            closed = true;
            releaseAttachments();
        }

        private void releaseAttachments() {
            if (attachmentBytes > 0) {
                InboundLimits.this.release(attachmentBytes);
                attachmentBytes = 0;
            }
            attachmentsExpected = 0;
        }
    }

    /** The engine reads the packet's type after its listeners ran: a NOOP goes nowhere, not to the parser. */
    private static void drop(Packet<?> packet) {
        packet.type = Packet.NOOP;
        packet.data = null;
    }

    /**
     * The attachments a Socket.IO packet announces: {@code 5<n>-…} (binary event) and {@code 6<n>-…} (binary ack);
     * -1 for any other packet, {@link Integer#MAX_VALUE} for a count too long to be a number.
     */
    static int attachments(String packet) {
        if (packet.length() < 2 || (packet.charAt(0) != '5' && packet.charAt(0) != '6')) {
            return -1;
        }
        long count = 0;
        for (int i = 1; i < packet.length(); i++) {
            char c = packet.charAt(i);
            if (c == '-') {
                return i == 1 ? -1 : (int) count;
            }
            if (c < '0' || c > '9' || i > 10) {
                return c < '0' || c > '9' ? -1 : Integer.MAX_VALUE;
            }
            count = count * 10 + (c - '0');
            if (count > Integer.MAX_VALUE - 1) {
                return Integer.MAX_VALUE;
            }
        }
        return -1;
    }

    /** The deepest nesting of arrays and objects in a packet's JSON, strings skipped. */
    static int depth(String packet) {
        int depth = 0;
        int deepest = 0;
        boolean inString = false;
        for (int i = 0; i < packet.length(); i++) {
            char c = packet.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                deepest = Math.max(deepest, ++depth);
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return deepest;
    }

    private static String truncate(String reason) {
        // A close frame's reason holds at most 123 bytes.
        return reason.length() > 120 ? reason.substring(0, 120) : reason;
    }
}
