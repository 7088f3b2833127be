package io.nutsgate.common;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One short line per kind of event per interval, however often it happens: what hostile or broken clients do
 * must not flood the log. The next line says how many were left out.
 */
public final class RateLimitedLog {

    /** Requests refused before an endpoint saw them (malformed, timed out, refused content). */
    public static final RateLimitedLog REJECTED =
            new RateLimitedLog(org.slf4j.LoggerFactory.getLogger("io.nutsgate.rejected"), Duration.ofMinutes(1));

    private record Slot(AtomicLong nextAt, AtomicLong suppressed) {}

    private final Logger log;
    private final long intervalNanos;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    public RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs {@code message} at INFO unless a line of this {@code kind} was written within the interval. */
    public void info(String kind, String message, Object... args) {
        Slot slot = slots.computeIfAbsent(kind, k -> new Slot(new AtomicLong(System.nanoTime()), new AtomicLong()));
        long now = System.nanoTime();
        long next = slot.nextAt().get();
        if (now - next < 0 || !slot.nextAt().compareAndSet(next, now + intervalNanos)) {
            slot.suppressed().incrementAndGet();
            return;
        }
        long left = slot.suppressed().getAndSet(0);
        if (left == 0) {
            log.info(message, args);
        } else {
            Object[] withCount = java.util.Arrays.copyOf(args, args.length + 1);
            withCount[args.length] = left;
            log.info(message + " (and {} more like it since the last line)", withCount);
        }
    }
}
