package io.nutsgate.web;

import io.nutsgate.common.ErrorCode;
import io.nutsgate.settings.NutsProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over 64 KB, whether announced by Content-Length or streamed chunked, so a client
 * cannot make the service buffer an unbounded body; and bodies still arriving {@code NUTS_HTTP_BODY_TIMEOUT} after
 * their first byte was read (408), so a trickle cannot hold a request open (each read alone is bounded by
 * {@code NUTS_HTTP_READ_TIMEOUT}).
 * Socket.IO's long-polling requests ({@code /socket.io/}) are
 * bounded by the push side instead, by {@code NUTS_PUSH_MAX_MESSAGE} as over WebSocket.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class BodySizeLimitFilter extends OncePerRequestFilter {

    static final int MAX_BODY_BYTES = 64 * 1024;

    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException() {
            super("request body exceeds " + MAX_BODY_BYTES / 1024 + " KB");
        }
    }

    /** The body did not arrive in time; answered 408 {@code REQUEST_TIMEOUT}. */
    static final class BodyTimeoutException extends IOException {
        BodyTimeoutException(Duration limit) {
            super("the request body was not received within " + limit.toSeconds()
                    + " s (NUTS_HTTP_BODY_TIMEOUT); send the whole body at once");
        }
    }

    private final Duration bodyTimeout;

    BodySizeLimitFilter(NutsProperties properties) {
        this.bodyTimeout = properties.http().bodyTimeout();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + "/socket.io/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            JsonErrors.write(response, ErrorCode.INVALID_BODY, new BodyTooLargeException().getMessage());
            return;
        }
        chain.doFilter(new LimitedRequest(request, bodyTimeout), response);
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final Duration timeout;
        private ServletInputStream limited;

        LimitedRequest(HttpServletRequest request, Duration timeout) {
            super(request);
            this.timeout = timeout;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (limited == null) {
                limited = new LimitedStream(super.getInputStream(), timeout, (HttpServletRequest) getRequest());
            }
            return limited;
        }
    }

    private static final class LimitedStream extends ServletInputStream {
        private final ServletInputStream in;
        private final Duration timeout;
        private final HttpServletRequest request;
        private long read;
        private long startedNanos;

        LimitedStream(ServletInputStream in, Duration timeout, HttpServletRequest request) {
            this.in = in;
            this.timeout = timeout;
            this.request = request;
        }

        @Override
        public int read() throws IOException {
            start();
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            start();
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void start() {
            if (startedNanos == 0) {
                startedNanos = System.nanoTime() | 1;
            }
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > MAX_BODY_BYTES) {
                throw new BodyTooLargeException();
            }
            if (System.nanoTime() - startedNanos > timeout.toNanos()) {
                AbandonedBodyValve.abandon(request);
                throw new BodyTimeoutException(timeout);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
