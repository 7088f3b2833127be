package io.nutsgate.thetanuts;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per failed upstream call, naming the host, the setting it came from and the cause (DNS, refused,
 * timeout, HTTP status, …), and
 * at most one line per host and cause every {@link #INTERVAL}: during an outage the next line says how many failures
 * it stood for.
 */
final class UpstreamFailureLog {

    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(UpstreamFailureLog.class);

    private record Window(long startMillis, int suppressed) {}

    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    UpstreamFailureLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * Logs a failed call to {@code uri} ({@code cause} in an operator's words, see {@link #cause}); {@code unreachable}
     * when no answer came at all, so a default host gets the stand-in hint.
     */
    void failed(String endpoint, URI uri, String cause, boolean unreachable) {
        long now = clock.millis();
        int[] reported = {-1};
        windows.compute(UpstreamHosts.host(uri) + " " + cause, (key, window) -> {
            if (window == null || now - window.startMillis() >= INTERVAL.toMillis()) {
                reported[0] = window == null ? 0 : window.suppressed();
                return new Window(now, 0);
            }
            return new Window(window.startMillis(), window.suppressed() + 1);
        });
        if (reported[0] == 0) {
            log.warn("upstream {}", UpstreamHosts.describe(endpoint, uri, cause, unreachable));
        } else if (reported[0] > 0) {
            log.warn(
                    "upstream {} (and {} more times since the last report)",
                    UpstreamHosts.describe(endpoint, uri, cause, unreachable),
                    reported[0]);
        }
    }

    /** What went wrong, in the words an operator looks for; never a Java class name. */
    static String cause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "DNS lookup failed";
            }
        }
        if (error instanceof HttpConnectTimeoutException) {
            return "connect timeout";
        }
        if (error instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (error instanceof ConnectException) {
            return "connection refused";
        }
        if (closedBeforeAnswer(error)) {
            return "the host closed the connection without answering";
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return "TLS failed" + (t.getMessage() == null ? "" : ": " + t.getMessage());
            }
        }
        return "I/O error" + (error.getMessage() == null ? "" : ": " + error.getMessage());
    }

    /**
     * The peer closed the connection before any byte of an answer: typically a kept-alive connection the host
     * closed while idle (Node after 5 s, nginx after 75 s) just as the request went out on it. The request was not
     * served, so it can go again on a fresh connection.
     */
    static boolean closedBeforeAnswer(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof EOFException
                    || t.getClass().getSimpleName().equals("ConnectionExpiredException")
                    || (message != null && message.contains("received no bytes"))) {
                return true;
            }
        }
        return false;
    }
}
