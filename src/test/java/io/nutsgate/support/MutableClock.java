package io.nutsgate.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand; starts at the fixtures' "now", 2026-06-03 10:00:00 UTC. */
public final class MutableClock extends Clock {

    public static final Instant FIXTURE_NOW = Instant.ofEpochSecond(1780480800L);

    private volatile Instant now = FIXTURE_NOW;

    public void set(Instant instant) {
        now = instant;
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
