package io.nutsgate.push;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.jobs.NamedExecutors;
import io.nutsgate.resilience.Retries;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import tools.jackson.databind.json.JsonMapper;

/**
 * Instances share pushes over Redis pub/sub (channel {@code <NUTS_REDIS_KEY_PREFIX>push}, so deployments that share a
 * Redis with their own prefixes never see each other's pushes): a push is emitted to this instance's sockets
 * at once and published as a small message (origin, room, event, payload); every other instance emits it to its own
 * sockets in that room. Rooms, joins and leaves never leave the instance. Publishing runs on one background thread
 * with a bounded queue, so Redis never blocks a request, and through the {@code push-redis} circuit breaker
 * ({@code NUTS_PUSH_BUS_BREAKER_*}), so a queue built up during an outage drains without waiting on Redis for each; while
 * Redis fails, pushes stay local and the failure is logged once (and again once it recovers). An instance whose Redis does not answer at start-up starts all the same,
 * pushing to its own sockets, and subscribes in the background as soon as Redis answers.
 */
final class RedisPushBus implements PushBus, SmartLifecycle, MessageListener {

    private final String channel;
    private static final Logger log = LoggerFactory.getLogger(RedisPushBus.class);

    record Envelope(String origin, String room, String event, String payload) {}

    private final PushSockets sockets;
    private final PushMetrics metrics;
    private final String origin;
    private final JsonMapper json;
    private final StringRedisTemplate redis;
    private final RedisMessageListenerContainer listeners;
    /** One thread publishes, with a bounded queue, so Redis never blocks a request. */
    private final ThreadPoolTaskExecutor publisher;
    /** Stops publishing while Redis keeps failing. */
    private final CircuitBreaker breaker;
    /** One thread hands every message to the sockets, in the order published. */
    private final ThreadPoolTaskExecutor dispatcher;
    /** Subscribes again every {@code NUTS_PUSH_BUS_RETRY} when Redis did not answer at start-up. */
    private final Retries retries;

    private final Retry resubscribe;
    private final Duration retryInterval;

    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile boolean running;

    RedisPushBus(
            RedisConnectionFactory connections,
            String channel,
            PushSockets sockets,
            PushMetrics metrics,
            PushInstance instance,
            JsonMapper json,
            Duration retryInterval,
            Retries retries,
            CircuitBreaker breaker,
            MeterRegistry meters) {
        this.publisher = NamedExecutors.singleThread("push-redis-publish", 10_000, meters);
        this.breaker = breaker;
        this.dispatcher = NamedExecutors.singleThread("push-redis-dispatch", Integer.MAX_VALUE, meters);
        this.channel = channel;
        this.retries = retries;
        this.retryInterval = retryInterval;
        this.resubscribe = retries.retry("push-redis-subscribe", Integer.MAX_VALUE, retryInterval, e -> true, null);
        this.sockets = sockets;
        this.metrics = metrics;
        this.origin = instance.id();
        this.json = json;
        this.redis = new StringRedisTemplate(connections);
        this.listeners = new RedisMessageListenerContainer();
        listeners.setConnectionFactory(connections);
        listeners.addMessageListener(this, new ChannelTopic(channel));
        listeners.setRecoveryInterval(2_000);
        // One thread hands every message to the sockets, in the order published; the default executor would start a
        // new thread for each message (1,000 threads for one event to 1,000 rooms).
        listeners.setTaskExecutor(dispatcher);
        // Not metered: a SimpleAsyncTaskExecutor is no ExecutorService (no pool, no queue), one thread per
        // subscription.
        listeners.setSubscriptionExecutor(new SimpleAsyncTaskExecutor("push-redis-subscribe-"));
        listeners.afterPropertiesSet();
    }

    /** The channel of the deployment whose Redis keys start with {@code keyPrefix} (default {@code nutsgate:push}). */
    static String channel(String keyPrefix) {
        return keyPrefix + "push";
    }

    @Override
    public void publish(PushMessage message) {
        metrics.published(message.event());
        sockets.emitLocal(message);
        String body = json.writeValueAsString(new Envelope(origin, message.room(), message.event(), message.payload()));
        try {
            publisher.execute(() -> send(body));
        } catch (RejectedExecutionException e) {
            failed("the publish queue is full or closed");
        }
    }

    private void send(String body) {
        try {
            breaker.executeRunnable(() -> redis.convertAndSend(channel, body));
            if (failing.compareAndSet(true, false)) {
                log.info("Redis push fan-out works again");
            }
        } catch (CallNotPermittedException e) {
            failed("not sent: the push-redis circuit breaker is open after repeated failures");
        } catch (RuntimeException e) {
            failed(e.toString());
        }
    }

    private void failed(String why) {
        metrics.busFailure();
        if (failing.compareAndSet(false, true)) {
            log.warn("Redis push fan-out failed, pushes reach this instance's sockets only until it recovers: {}", why);
        }
    }

    @Override
    public void onMessage(Message message, byte[] pattern) {
        try {
            Envelope envelope = json.readValue(message.getBody(), Envelope.class);
            if (!origin.equals(envelope.origin()) && envelope.room() != null && envelope.event() != null) {
                sockets.emitLocal(new PushMessage(envelope.room(), envelope.event(), envelope.payload()));
            }
        } catch (RuntimeException e) {
            log.warn("ignored an unreadable message on {}: {}", channel, e.toString());
        }
    }

    @Override
    public void start() {
        running = true;
        if (!subscribe()) {
            // Redis does not answer at start-up: the instance starts all the same, pushing to its own sockets, and
            // subscribes as soon as Redis answers (once subscribed, Lettuce resubscribes by itself after an outage).
            retries.inBackground(resubscribe, retryInterval, () -> {
                subscribeAgain();
                return null;
            });
        }
    }

    /** Subscribes to the channel; false, after one warning for the outage, when Redis does not answer. */
    private boolean subscribe() {
        try {
            listeners.start();
            return true;
        } catch (RuntimeException e) {
            reset();
            failed("subscribing to " + channel + ": " + e);
            return false;
        }
    }

    /** A container that failed to subscribe stays started and would never try again: stopped, it can start again. */
    private void reset() {
        try {
            listeners.stop();
        } catch (RuntimeException e) {
            log.debug("resetting the Redis listener: {}", e.toString());
        }
    }

    /** One attempt of the background subscription: throws (to be tried again) while Redis refuses it. */
    private void subscribeAgain() {
        synchronized (listeners) {
            if (!running) {
                return;
            }
            try {
                listeners.start();
            } catch (RuntimeException e) {
                reset();
                throw e;
            }
        }
        log.info("subscribed to {}: pushes from other instances reach this instance's sockets", channel);
    }

    @Override
    public void stop() {
        running = false;
        publisher.shutdown();
        // an attempt to subscribe under way (at most a few seconds) ends before the container stops
        synchronized (listeners) {
            try {
                listeners.stop();
                listeners.destroy();
                dispatcher.shutdown();
            } catch (Exception e) {
                log.debug("stopping the Redis listener: {}", e.toString());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
