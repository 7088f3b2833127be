package io.nutsgate.push;

import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.RateLimitedLog;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.web.JsonErrors;
import io.socket.engineio.server.EngineIoServer;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * Socket.IO's long-polling transport ({@code GET}/{@code POST /socket.io/?EIO=4&transport=polling…}), answered by the
 * engine asynchronously; CORS is the REST API's. WebSocket upgrades of the same path never reach here: Tomcat's
 * WebSocket filter takes them to {@link EngineIoEndpoint}.
 *
 * <p>A polling {@code POST} carries the client's messages; its body is bounded by {@code NUTS_PUSH_MAX_MESSAGE}, as one
 * WebSocket message is (the reference server's {@code maxHttpBufferSize} also bounds both). Within the bound, every
 * message is handled as over WebSocket (bad input gets its error ack; the session stays). Over it, that session is
 * closed (the client sees a disconnect, as after WebSocket close 1009), the request is answered 413
 * {@code MESSAGE_TOO_LARGE} and counted in {@code nuts_push_rejected_total{reason="message_too_large"}}.
 */
@Controller
@Hidden
class SocketIoController {

    private final EngineIoServer engine;
    private final ConnectionGate gate;
    private final PushMetrics metrics;
    private final InboundLimits limits;
    private final long maxMessage;

    private static final RateLimitedLog MALFORMED =
            new RateLimitedLog(LoggerFactory.getLogger("io.nutsgate.rejected"), Duration.ofMinutes(1));

    SocketIoController(
            EngineIoServer engine,
            ConnectionGate gate,
            PushMetrics metrics,
            InboundLimits limits,
            NutsProperties properties) {
        this.engine = engine;
        this.gate = gate;
        this.metrics = metrics;
        this.limits = limits;
        this.maxMessage = properties.push().maxMessageSize().toBytes();
    }

    @RequestMapping(
            value = SocketIoConfiguration.PATH,
            method = {RequestMethod.GET, RequestMethod.POST})
    void poll(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<SocketIoQuery> parsed = SocketIoQuery.parse(request.getQueryString());
        String problem = parsed.isEmpty()
                ? "the query must name transport, EIO and at most one sid, each decodable"
                : parsed.get().problem();
        if (problem != null) {
            refuse(response, ErrorCode.INVALID_REQUEST, problem);
            return;
        }
        SocketIoQuery query = parsed.get();
        if ("POST".equals(request.getMethod())) {
            if (request.getContentLengthLong() > maxMessage) {
                tooLarge(request, response);
                return;
            }
            if ("4".equals(query.eio()) && isBinary(request.getContentType())) {
                refuse(response, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type: Engine.IO 4 payloads are text/plain");
                return;
            }
            long held = Math.max(0, request.getContentLengthLong());
            if (!limits.reserve(held)) {
                limits.rejected(InboundLimits.INSTANCE_BUFFER_FULL, "a polling body while the instance is full");
                gate.close(query.sid());
                refuse(response, ErrorCode.TOO_MANY_CONNECTIONS, "the instance holds its maximum of buffered input");
                return;
            }
            try {
                byte[] body =
                        request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxMessage + 1));
                if (body.length > maxMessage) {
                    tooLarge(request, response);
                    return;
                }
                if ("4".equals(query.eio()) && !isPayloadV4(body)) {
                    gate.close(query.sid());
                    refuse(
                            response,
                            ErrorCode.INVALID_REQUEST,
                            "body: not an Engine.IO 4 payload; the session is closed");
                    return;
                }
                handle(new ReadBody(request, body), response, query);
            } finally {
                limits.release(held);
            }
        } else {
            // An overlapping poll makes socket.io-server close the session and then throw (it was a 500): caught in
            // handle(), answered 400; the waiting poll gets the session's close packet.
            handle(request, response, query);
        }
    }

    /** Hands the request to the engine; what it chokes on is the client's fault, answered 400, never a 500. */
    private void handle(HttpServletRequest request, HttpServletResponse response, SocketIoQuery query)
            throws IOException {
        try {
            engine.handleRequest(request, response);
        } catch (RuntimeException e) {
            gate.close(query.sid());
            if (!response.isCommitted()) {
                response.reset();
                refuse(response, ErrorCode.INVALID_REQUEST, "not an Engine.IO request this server can read");
            }
        }
    }

    private void refuse(HttpServletResponse response, ErrorCode code, String message) throws IOException {
        metrics.rejected(PushMetrics.BAD_PACKET);
        MALFORMED.info("socket.io-malformed", "refused a malformed Socket.IO polling request: {}", message);
        JsonErrors.write(response, code, "socket.io: " + message);
    }

    private static boolean isBinary(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/octet-stream");
    }

    /**
     * An Engine.IO 4 polling payload: packets separated by {@code 0x1e}, each a type digit and its data, or {@code b}
     * and base64 (a binary message).
     */
    static boolean isPayloadV4(byte[] body) {
        if (body.length == 0) {
            return false;
        }
        for (String packet : new String(body, StandardCharsets.UTF_8).split("\u001e", -1)) {
            if (packet.isEmpty()) {
                return false;
            }
            char type = packet.charAt(0);
            if (type == 'b') {
                try {
                    Base64.getDecoder().decode(packet.substring(1));
                } catch (IllegalArgumentException e) {
                    return false;
                }
            } else if (type < '0' || type > '6') {
                return false;
            }
        }
        return true;
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        metrics.rejected(PushMetrics.MESSAGE_TOO_LARGE);
        gate.close(SocketIoQuery.parse(request.getQueryString())
                .map(SocketIoQuery::sid)
                .orElse(null));
        JsonErrors.write(
                response,
                ErrorCode.MESSAGE_TOO_LARGE,
                "body: a Socket.IO request body may hold at most " + maxMessage
                        + " bytes (NUTS_PUSH_MAX_MESSAGE); the session is closed");
    }

    /** The request with its body already read (and bounded). */
    private static final class ReadBody extends HttpServletRequestWrapper {

        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }
    }
}
