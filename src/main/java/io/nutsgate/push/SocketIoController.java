package io.nutsgate.push;

import io.nutsgate.common.ErrorCode;
import io.nutsgate.system.JsonErrors;
import io.nutsgate.system.NutsProperties;
import io.socket.engineio.server.EngineIoServer;
import io.socket.engineio.server.utils.ParseQS;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
    private final long maxMessage;

    SocketIoController(EngineIoServer engine, ConnectionGate gate, PushMetrics metrics, NutsProperties properties) {
        this.engine = engine;
        this.gate = gate;
        this.metrics = metrics;
        this.maxMessage = properties.push().maxMessageSize().toBytes();
    }

    @RequestMapping(
            value = SocketIoConfiguration.PATH,
            method = {RequestMethod.GET, RequestMethod.POST})
    void poll(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if ("POST".equals(request.getMethod())) {
            if (request.getContentLengthLong() > maxMessage) {
                tooLarge(request, response);
                return;
            }
            byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxMessage + 1));
            if (body.length > maxMessage) {
                tooLarge(request, response);
                return;
            }
            request = new ReadBody(request, body);
        }
        engine.handleRequest(request, response);
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        metrics.rejected(PushMetrics.MESSAGE_TOO_LARGE);
        gate.close(ParseQS.decode(request.getQueryString()).get("sid"));
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
