package io.nutsgate.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * SIGTERM or Ctrl-C is reported in two lines: one when the shutdown starts, one when the last part (the embedded
 * database) has stopped. In between, in this order: Socket.IO sessions end (clients reconnect), the chain indexer
 * finishes its batch, requests in flight get the grace period ({@code NUTS_SHUTDOWN_GRACE_PERIOD}), then the pool
 * closes and the embedded database stops. The libraries' own shutdown lines are turned down in {@code application.yml}.
 */
@Component
class ShutdownReport {

    private static final Logger log = LoggerFactory.getLogger("io.nutsgate.Shutdown");
    private static final AtomicBoolean finalLineRegistered = new AtomicBoolean();

    private final Duration grace;
    private final AtomicBoolean started = new AtomicBoolean();

    ShutdownReport(Environment environment) {
        this.grace = environment.getProperty(
                "spring.lifecycle.timeout-per-shutdown-phase", Duration.class, Duration.ofSeconds(30));
    }

    @EventListener
    void started(ApplicationReadyEvent event) {
        started.set(true);
        // Shutdown handlers run after every context has closed: the embedded database is down by then.
        if (finalLineRegistered.compareAndSet(false, true)) {
            SpringApplication.getShutdownHandlers().add(() -> log.info("nutsgate stopped"));
        }
    }

    @EventListener
    void stopping(ContextClosedEvent event) {
        // A refused start-up says so in its own one line; the management port's child context closes with the root.
        if (started.compareAndSet(true, false) && event.getApplicationContext().getParent() == null) {
            log.info(
                    "nutsgate stopping: requests in flight have up to {} to finish (NUTS_SHUTDOWN_GRACE_PERIOD), Socket.IO"
                            + " clients are disconnected to reconnect, then the database stops",
                    grace.toSeconds() + "s");
        }
    }
}
