package io.nutsgate.thetanuts;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per failed upstream call, naming the host and the cause (DNS, refused, timeout, HTTP status, …), and
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

    void failed(String endpoint, URI uri, String cause) {
        String host = host(uri);
        long now = clock.millis();
        int[] reported = {-1};
        windows.compute(host + " " + cause, (key, window) -> {
            if (window == null || now - window.startMillis() >= INTERVAL.toMillis()) {
                reported[0] = window == null ? 0 : window.suppressed();
                return new Window(now, 0);
            }
            return new Window(window.startMillis(), window.suppressed() + 1);
        });
        if (reported[0] == 0) {
            log.warn("upstream {} failed ({}): {}", host, endpoint, cause);
        } else if (reported[0] > 0) {
            log.warn(
                    "upstream {} failed ({}): {} (and {} more times since the last report)",
                    host,
                    endpoint,
                    cause,
                    reported[0]);
        }
    }

    /** What went wrong, in the words an operator looks for. */
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
        return "I/O error (" + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : ": " + error.getMessage()) + ")";
    }

    static String host(URI uri) {
        return uri.getPort() < 0 ? String.valueOf(uri.getHost()) : uri.getHost() + ":" + uri.getPort();
    }
}
