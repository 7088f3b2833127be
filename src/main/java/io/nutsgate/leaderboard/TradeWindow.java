package io.nutsgate.leaderboard;

import io.nutsgate.common.QueryParameters;
import java.time.Duration;
import java.time.Instant;

/** The period a leaderboard or summary covers, ending now. */
enum TradeWindow {
    DAYS_7("7d", Duration.ofDays(7)),
    DAYS_30("30d", Duration.ofDays(30)),
    ALL("all", null);

    private final String label;
    private final Duration length;

    TradeWindow(String label, Duration length) {
        this.label = label;
        this.length = length;
    }

    String label() {
        return label;
    }

    /** The window's length in days; 0 for {@code all}. */
    int days() {
        return length == null ? 0 : (int) length.toDays();
    }

    /** The window's start; the epoch for {@code all}. */
    Instant since(Instant now) {
        return length == null ? Instant.EPOCH : now.minus(length);
    }

    /** The {@code window} parameter: {@code fallback} when absent. */
    static TradeWindow parse(String value, TradeWindow fallback) {
        return QueryParameters.oneOf(TradeWindow.class, TradeWindow::label, "window", value, fallback);
    }
}
