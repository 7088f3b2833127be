package io.nutsgate.leaderboard;

import io.nutsgate.common.QueryParameters;
import java.util.Locale;

/** What the leaderboard ranks: premium volume or realised P&L. */
enum LeaderboardMetric {
    VOLUME,
    PNL;

    /** The {@code metric} parameter: volume when absent. */
    static LeaderboardMetric parse(String value) {
        return QueryParameters.oneOf(LeaderboardMetric.class, LeaderboardMetric::label, "metric", value, VOLUME);
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
