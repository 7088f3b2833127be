package io.nutsgate.push;

import io.nutsgate.common.ErrorCode;
import io.nutsgate.system.JsonErrors;
import io.socket.engineio.server.utils.ParseQS;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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

    ConnectionGateFilter(ConnectionGate gate) {
        this.gate = gate;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hasSession(request) && !gate.admit(java.util.Map.of(), java.util.Map.of())) {
            response.setHeader("Retry-After", "5");
            JsonErrors.write(
                    response,
                    ErrorCode.TOO_MANY_CONNECTIONS,
                    "socket.io: this instance holds its maximum of " + gate.max() + " connections; retry later");
            return;
        }
        chain.doFilter(request, response);
    }

    /** From the query string only: reading parameters could consume a form body. */
    private static boolean hasSession(HttpServletRequest request) {
        String query = request.getQueryString();
        return query != null && ParseQS.decode(query).containsKey("sid");
    }
}
