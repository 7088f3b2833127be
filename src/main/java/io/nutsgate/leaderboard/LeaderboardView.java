package io.nutsgate.leaderboard;

import io.nutsgate.common.Amount;
import io.nutsgate.common.Checksummed;
import io.nutsgate.protocol.Deployment;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** Wallets ranked by premium volume or realised P&L in one collateral token over a window. */
public record LeaderboardView(
        String window,
        String metric,
        Deployment.Token collateral,
        @Schema(
                        description =
                                "the time the ranking was computed for, unix seconds (7d and 30d are recomputed every"
                                        + " minute)")
                Instant asOf,
        List<Entry> entries) {

    public record Entry(
            @Schema(
                            description = "competition ranking: wallets with equal values share a rank and the next"
                                    + " rank skips (1, 2, 2, 4)",
                            example = "1")
                    int rank,
            @Checksummed String address,
            @Schema(description = "Farcaster id of the wallet's user; null for a wallet not linked to a profile")
                    Long fid,
            @Schema(
                            description = "whether Farcaster Quick Auth verified the fid; false for a fid typed"
                                    + " before fids were verified, or none")
                    boolean fidVerified,
            String username,
            String displayName,
            String pfpUrl,
            @Schema(description = "the metric: premium volume, or realised P&L") Amount value,
            long trades) {}
}
