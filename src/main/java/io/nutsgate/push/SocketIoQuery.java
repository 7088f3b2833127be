package io.nutsgate.push;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The query string of a {@code /socket.io/} request, read strictly: socket.io-server's own reader threw on a missing
 * query or a {@code %zz} (a 500 and a stack trace) and let a repeated {@code sid} pick either value. Empty when the
 * query is missing, not decodable, or names {@code sid}, {@code transport} or {@code EIO} twice.
 */
record SocketIoQuery(String transport, String eio, String sid) {

    private static final Set<String> SINGLE = Set.of("sid", "transport", "EIO");

    static Optional<SocketIoQuery> parse(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > 4096) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (SINGLE.contains(name) && values.putIfAbsent(name, value) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(new SocketIoQuery(values.get("transport"), values.get("EIO"), values.get("sid")));
    }

    /** What is wrong with a long-polling request's query, or null when the engine may have it. */
    String problem() {
        return problem("polling");
    }

    /**
     * What is wrong with the query of a request of {@code expected} transport ({@code polling}, or {@code websocket}
     * for an upgrade), or null when the engine may have it. The engine itself took any {@code EIO} but 4 for 3.
     */
    String problem(String expected) {
        if (!expected.equals(transport)) {
            return expected.equals("polling")
                    ? "transport must be polling on this path (WebSocket clients send Upgrade: websocket)"
                    : "transport must be websocket on a WebSocket upgrade";
        }
        if (eio != null && !eio.equals("3") && !eio.equals("4")) {
            return "EIO must be 3 or 4";
        }
        if (sid != null && (sid.isEmpty() || sid.length() > 64)) {
            return "sid is not a session id";
        }
        return null;
    }
}
