package io.nutsgate.push;

import io.socket.engineio.server.EngineIoSocket;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's heartbeat timers (ping, ping timeout), kept from holding closed sessions. Two things in
 * engine.io-server 6.3.2 keep a closed session on the heap for a ping interval plus a ping timeout (45 s by default):
 * its default pool leaves a cancelled timer queued until the time it was due, and closing a session cancels its ping
 * but not its ping timeout. A refused attacker that reconnects at once left thousands of closed sessions (their
 * Socket.IO state, buffers and headers, about 50 KB each) waiting that way. The pool made here drops a timer when it
 * is cancelled, and {@link #cancelOnClose} cancels the ping timeout when the session closes.
 */
final class HeartbeatTimers {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatTimers.class);
    private static final VarHandle PING_TIMEOUT = pingTimeoutField();

    private HeartbeatTimers() {}

    /** The engine's timer pool (as many threads as its own default), shut down by its owner. */
    static ScheduledThreadPoolExecutor newPool(int threads) {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(
                threads,
                Thread.ofPlatform().name("engineio-heartbeat-", 0).daemon().factory());
        pool.setRemoveOnCancelPolicy(true);
        return pool;
    }

    /** Cancels {@code socket}'s ping timeout when it closes, whatever closed it. */
    static void cancelOnClose(EngineIoSocket socket) {
        if (PING_TIMEOUT != null) {
            socket.on("close", args -> {
                if (PING_TIMEOUT.getVolatile(socket) instanceof ScheduledFuture<?> timeout) {
                    timeout.cancel(false);
                }
            });
        }
    }

    private static VarHandle pingTimeoutField() {
        try {
            return MethodHandles.privateLookupIn(EngineIoSocket.class, MethodHandles.lookup())
                    .findVarHandle(EngineIoSocket.class, "mPingTimeoutFuture", ScheduledFuture.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Another engine.io-server: closed sessions then wait out their ping timeout, as before.
            log.warn(
                    "engine.io-server has no mPingTimeoutFuture; closed sessions wait for their ping timeout: {}",
                    e.toString());
            return null;
        }
    }
}
