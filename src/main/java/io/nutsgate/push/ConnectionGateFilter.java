package io.nutsgate.push;

import io.nutsgate.common.ErrorCode;
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
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a new Socket.IO connection with HTTP 503 {@code TOO_MANY_CONNECTIONS} while the instance holds
 * {@code NUTS_PUSH_MAX_CONNECTIONS}, before Tomcat upgrades it to a WebSocket: the client's {@code connect_error}
 * comes at once (a WebSocket the engine closed after the upgrade was reported only when the client's connect timeout
 * ran out). A handshake is a request to {@code /socket.io/} without {@code sid}, polling or WebSocket; requests of an
 * open session (polls, the upgrade of a polling session) always pass. The engine's handshake check stays behind it for
 * connections racing past this one.
 */
final class ConnectionGateFilter extends OncePerRequestFilter {

    private final ConnectionGate gate;
    private final ClientAddresses clients;

    ConnectionGateFilter(ConnectionGate gate, ClientAddresses clients) {
        this.gate = gate;
        this.clients = clients;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
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
