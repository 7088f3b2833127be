package io.nutsgate.push;

/** One instance: a push goes straight to this instance's sockets. */
final class LocalPushBus implements PushBus {

    private final PushSockets sockets;
    private final PushMetrics metrics;

    LocalPushBus(PushSockets sockets, PushMetrics metrics) {
        this.sockets = sockets;
        this.metrics = metrics;
    }

    @Override
    public void publish(PushMessage message) {
        metrics.published(message.event());
        sockets.emitLocal(message);
    }
}
