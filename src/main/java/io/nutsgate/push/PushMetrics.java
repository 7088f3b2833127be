package io.nutsgate.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The push channel's counters: {@code nuts_push_rejected_total{reason}} (bad input from a socket, each answered with
 * an error ack or ignored), {@code nuts_push_delivered_total{event}} (events written to local sockets),
 * {@code nuts_push_published_total{event}}, {@code nuts_push_signed_in_total} (sockets connected with a valid
 * session token) and {@code nuts_push_bus_failures_total} (fan-out errors, Redis or PostgreSQL: a failed send, or a lost listening
 * connection once per outage; pushes stay local).
 */
@Component
class PushMetrics {

    static final String INVALID_ADDRESS = "invalid_address";
    static final String TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions";
    static final String UNKNOWN_EVENT = "unknown_event";
    static final String MESSAGE_TOO_LARGE = "message_too_large";
    static final String SLOW_CONSUMER = "slow_consumer";
    static final String BAD_PACKET = "bad_packet";
    static final String INVALID_TOKEN = "invalid_token";
    static final String RATE_LIMITED = "rate_limited";

    private final MeterRegistry meters;
    private final Counter signedIn;
    private final Counter busFailures;
    /** Looked up once per event name, not built and registered again on every push. */
    private final Map<String, Counter> delivered = new ConcurrentHashMap<>();

    private final Map<String, Counter> published = new ConcurrentHashMap<>();

    PushMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.signedIn = Counter.builder("nuts.push.signed.in")
                .description("Socket.IO connections that presented a valid session token")
                .register(meters);
        this.busFailures = Counter.builder("nuts.push.bus.failures")
                .description("Fan-out errors between instances (pushes were delivered locally only)")
                .register(meters);
    }

    void rejected(String reason) {
        Counter.builder("nuts.push.rejected")
                .description("Bad input from Socket.IO clients, answered with an error ack or ignored")
                .tag("reason", reason)
                .register(meters)
                .increment();
    }

    void delivered(String event, int sockets) {
        delivered
                .computeIfAbsent(event, e -> Counter.builder("nuts.push.delivered")
                        .description("Events written to sockets of this instance")
                        .tag("event", e)
                        .register(meters))
                .increment(sockets);
    }

    void published(String event) {
        published
                .computeIfAbsent(event, e -> Counter.builder("nuts.push.published")
                        .description("Pushes published (each reaches the room on every instance)")
                        .tag("event", e)
                        .register(meters))
                .increment();
    }

    void signedIn() {
        signedIn.increment();
    }

    void busFailure() {
        busFailures.increment();
    }
}
