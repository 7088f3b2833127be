package io.nutsgate.push;

import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.RateLimitedLog;
import io.nutsgate.ratelimit.ClientAddresses;
import io.nutsgate.web.JsonErrors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a new Socket.IO connection with HTTP 503 {@code TOO_MANY_CONNECTIONS} while the instance holds
 * {@code NUTS_PUSH_MAX_CONNECTIONS}, before Tomcat upgrades it to a WebSocket: the client's {@code connect_error}
 * comes at once (a WebSocket the engine closed after the upgrade was reported only when the client's connect timeout
 * ran out). A handshake is a request to {@code /socket.io/} without {@code sid}, polling or WebSocket; requests of an
 * open session (polls, the upgrade of a polling session) always pass. The engine's handshake check stays behind it for
 * connections racing past this one.
 *
 * <p>A WebSocket upgrade whose query the engine would misread is answered 400 {@code INVALID_REQUEST} here, before
 * the upgrade, and counted in {@code nuts_push_rejected_total{reason="bad_packet"}}: a query that does not parse,
 * {@code transport} not {@code websocket}, {@code EIO} not 3 or 4 (the engine opened an Engine.IO 3 session for any
 * other value), a {@code sid} that is empty, too long or names no open session of this instance (the engine closed
 * such a socket with a normal close, 1000, after the upgrade).
 */
final class ConnectionGateFilter extends OncePerRequestFilter {

    private final ConnectionGate gate;
    private final ClientAddresses clients;
    private final PushMetrics metrics;

    ConnectionGateFilter(ConnectionGate gate, ClientAddresses clients, PushMetrics metrics) {
        this.gate = gate;
        this.clients = clients;
        this.metrics = metrics;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String problem = isUpgrade(request) ? upgradeProblem(request) : null;
        if (problem != null) {
            metrics.rejected(PushMetrics.BAD_PACKET);
            RateLimitedLog.REJECTED.info(
                    "socket.io-malformed-upgrade", "refused a malformed Socket.IO WebSocket upgrade: {}", problem);
            JsonErrors.write(response, ErrorCode.INVALID_REQUEST, "socket.io: " + problem);
            return;
        }
        String client = clients.clientKey(request);
        String refusal = isHandshake(request) ? gate.refusal(client) : null;
        if (refusal != null) {
            response.setHeader("Retry-After", "5");
            JsonErrors.write(response, ErrorCode.TOO_MANY_CONNECTIONS, "socket.io: " + refusal + "; retry later");
            return;
        }
        chain.doFilter(new WithClient(request, client), response);
    }

    /**
     * The request with the client's key in {@link ConnectionGate#CLIENT_HEADER}, so that the session the engine makes
     * of it (polling or WebSocket, whose handshake headers Tomcat copies from this request) is counted for its client.
     * A value the client sent itself is replaced.
     */
    private static final class WithClient extends HttpServletRequestWrapper {
        private final String client;

        WithClient(HttpServletRequest request, String client) {
            super(request);
            this.client = client;
        }

        @Override
        public String getHeader(String name) {
            return ConnectionGate.CLIENT_HEADER.equalsIgnoreCase(name) ? client : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return ConnectionGate.CLIENT_HEADER.equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(client))
                    : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (String name : Collections.list(super.getHeaderNames())) {
                if (!ConnectionGate.CLIENT_HEADER.equalsIgnoreCase(name)) {
                    names.add(name);
                }
            }
            names.add(ConnectionGate.CLIENT_HEADER);
            return Collections.enumeration(names);
        }
    }

    private static boolean isUpgrade(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
    }

    /** What is wrong with a WebSocket upgrade's query, or null when the engine may have it. */
    private String upgradeProblem(HttpServletRequest request) {
        Optional<SocketIoQuery> parsed = SocketIoQuery.parse(request.getQueryString());
        if (parsed.isEmpty()) {
            return "the query must name transport, EIO and at most one sid, each decodable";
        }
        String problem = parsed.get().problem("websocket");
        if (problem == null
                && parsed.get().sid() != null
                && !gate.isOpen(parsed.get().sid())) {
            problem = "sid names no open session of this server";
        }
        return problem;
    }

    /**
     * A well-formed query without {@code sid}, from the query string only (reading parameters could consume a form
     * body). A malformed one is left to {@link SocketIoController}, which answers it 400.
     */
    private static boolean isHandshake(HttpServletRequest request) {
        return SocketIoQuery.parse(request.getQueryString())
                .map(q -> q.sid() == null)
                .orElse(false);
    }
}
