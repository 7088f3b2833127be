package io.nutsgate.push;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * At shutdown, before the web server's graceful wait: ends every Socket.IO session, so a long-polling request does
 * not hold the grace period for its 25 s ping interval and every client sees a transport close it reconnects from.
 */
@Component
class PushShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PushShutdown.class);

    private final ConnectionGate gate;
    private volatile boolean running;

    PushShutdown(ConnectionGate gate) {
        this.gate = gate;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        int closed = gate.closeAll();
        if (closed > 0) {
            log.debug("closed {} Socket.IO sessions for the shutdown", closed);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
