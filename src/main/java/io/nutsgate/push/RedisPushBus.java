package io.nutsgate.push;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Instances share pushes over Redis pub/sub (channel {@value #CHANNEL}): a push is emitted to this instance's sockets
 * at once and published as a small message (origin, room, event, payload); every other instance emits it to its own
 * sockets in that room. Rooms, joins and leaves never leave the instance. Publishing runs on one background thread
 * with a bounded queue, so Redis never blocks a request; while Redis fails, pushes stay local and the failure is
 * logged once (and again once it recovers). An instance whose Redis does not answer at start-up starts all the same,
 * pushing to its own sockets, and subscribes in the background as soon as Redis answers.
 */
final class RedisPushBus implements PushBus, SmartLifecycle, MessageListener {

    static final String CHANNEL = "nuts:push";
    private static final Logger log = LoggerFactory.getLogger(RedisPushBus.class);
    private static final Duration SUBSCRIBE_RETRY = Duration.ofSeconds(2);

    record Envelope(String origin, String room, String event, String payload) {}

    private final PushSockets sockets;
    private final PushMetrics metrics;
    private final String origin;
    private final JsonMapper json;
    private final StringRedisTemplate redis;
    private final RedisMessageListenerContainer listeners;
    private final ThreadPoolExecutor publisher = new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(10_000),
            Thread.ofPlatform().name("push-redis-publish").daemon(true).factory());
    private final ThreadPoolExecutor dispatcher = new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            Thread.ofPlatform().name("push-redis-dispatch").daemon(true).factory());
    /** Subscribes again every {@link #SUBSCRIBE_RETRY} when Redis did not answer at start-up. */
    private final ScheduledThreadPoolExecutor resubscriber = new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("push-redis-resubscribe").daemon(true).factory());

    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile boolean running;

    RedisPushBus(
            RedisConnectionFactory connections,
            PushSockets sockets,
            PushMetrics metrics,
            PushInstance instance,
            JsonMapper json) {
        this.sockets = sockets;
        this.metrics = metrics;
        this.origin = instance.id();
        this.json = json;
        this.redis = new StringRedisTemplate(connections);
        this.listeners = new RedisMessageListenerContainer();
        listeners.setConnectionFactory(connections);
        listeners.addMessageListener(this, new ChannelTopic(CHANNEL));
        listeners.setRecoveryInterval(2_000);
        // One thread hands every message to the sockets, in the order published; the default executor would start a
        // new thread for each message (1,000 threads for one event to 1,000 rooms).
        listeners.setTaskExecutor(dispatcher);
        listeners.setSubscriptionExecutor(new SimpleAsyncTaskExecutor("push-redis-subscribe-"));
        listeners.afterPropertiesSet();
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
            redis.convertAndSend(CHANNEL, body);
            if (failing.compareAndSet(true, false)) {
                log.info("Redis push fan-out works again");
            }
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
            log.warn("ignored an unreadable message on {}: {}", CHANNEL, e.toString());
        }
    }

    @Override
    public void start() {
        running = true;
        if (!subscribe()) {
            // Redis does not answer at start-up: the instance starts all the same, pushing to its own sockets, and
            // subscribes as soon as Redis answers (once subscribed, Lettuce resubscribes by itself after an outage).
            resubscriber.scheduleWithFixedDelay(
                    this::subscribeAgain,
                    SUBSCRIBE_RETRY.toMillis(),
                    SUBSCRIBE_RETRY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Subscribes to {@value #CHANNEL}; false, after one warning for the outage, when Redis does not answer. */
    private boolean subscribe() {
        try {
            listeners.start();
            return true;
        } catch (RuntimeException e) {
            reset();
            failed("subscribing to " + CHANNEL + ": " + e);
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

    private void subscribeAgain() {
        if (!running) {
            return;
        }
        try {
            listeners.start();
        } catch (RuntimeException e) {
            reset();
            log.debug("Redis still refuses the subscription to {}: {}", CHANNEL, e.toString());
            return;
        }
        log.info("subscribed to {}: pushes from other instances reach this instance's sockets", CHANNEL);
        resubscriber.shutdown(); // no more attempts: this one is running, the scheduler ends with it
    }

    @Override
    public void stop() {
        running = false;
        publisher.shutdownNow();
        resubscriber
                .shutdown(); // no new attempts; one under way (at most a few seconds) ends before the container stops
        try {
            resubscriber.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            listeners.stop();
            listeners.destroy();
            dispatcher.shutdownNow();
        } catch (Exception e) {
            log.debug("stopping the Redis listener: {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
