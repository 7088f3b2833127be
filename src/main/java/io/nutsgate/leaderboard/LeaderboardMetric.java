package io.nutsgate.leaderboard;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.util.Locale;

/** What the leaderboard ranks: premium volume or realised P&L. */
enum LeaderboardMetric {
    VOLUME,
    PNL;

    static LeaderboardMetric parse(String value) {
        if (value == null || value.isBlank()) {
            return VOLUME;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "volume" -> VOLUME;
            case "pnl" -> PNL;
            default -> throw new ApiException(ErrorCode.INVALID_PARAMETER, "metric must be volume or pnl");
        };
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
