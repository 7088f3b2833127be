package io.nutsgate.leaderboard;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

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

    static TradeWindow parse(String value, TradeWindow fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String wanted = value.toLowerCase(Locale.ROOT);
        for (TradeWindow window : values()) {
            if (window.label.equals(wanted)) {
                return window;
            }
        }
        throw new ApiException(ErrorCode.INVALID_PARAMETER, "window must be 7d, 30d or all");
    }
}
