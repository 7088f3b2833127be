package io.nutsgate.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a service of the machine (Redis, PostgreSQL). Locally a missing service skips them; under
 * {@code CI=true} it fails the run, so CI never passes by skipping what it is meant to check.
 */
public final class RequiredService {

    private RequiredService() {}

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static boolean reachable(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Skips the test when {@code what} at host:port does not answer, or fails it under {@code CI=true}. */
    public static void require(String what, String host, int port) {
        if (reachable(host, port)) {
            return;
        }
        String message = what + " on " + host + ":" + port + " does not answer";
        if (inCi()) {
            throw new IllegalStateException(message + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message + " (CI starts it)");
    }
}
