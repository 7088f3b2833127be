package io.nutsgate.leaderboard;

import io.nutsgate.common.Amount;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ApiResponse;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.PageLimit;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.settings.NutsProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/nuts")
@Tag(name = "Leaderboards", description = "Wallets ranked by volume or P&L, and what the platform's referrer brought")
class LeaderboardController {

    private final LeaderboardRepository trades;
    private final Platform platform;
    private final LeaderboardWindows windows;
    private final NutsProperties properties;
    private final Clock clock;

    LeaderboardController(
            LeaderboardRepository trades,
            LeaderboardWindows windows,
            NutsProperties properties,
            Platform platform,
            Clock clock) {
        this.platform = platform;
        this.trades = trades;
        this.windows = windows;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/leaderboard")
    @Operation(
            summary = "Wallets ranked by premium volume or realised P&L",
            description = "In one collateral token (default USDC, NUTS_LEADERBOARD_COLLATERAL). Volume counts trades"
                    + " entered in the window, P&L trades settled or closed in it. Each entry carries the fid, fidVerified"
                    + " and username of the wallet's user when it is linked. all is live; 7d and 30d are recomputed"
                    + " every minute (NUTS_LEADERBOARD_REFRESH) and say when in asOf.")
    ApiResponse<LeaderboardView> leaderboard(
            @Parameter(
                            schema =
                                    @Schema(
                                            allowableValues = {"7d", "30d", "all"},
                                            defaultValue = "7d"))
                    @RequestParam(required = false)
                    String window,
            @Parameter(
                            schema =
                                    @Schema(
                                            allowableValues = {"volume", "pnl"},
                                            defaultValue = "volume"))
                    @RequestParam(required = false)
                    String metric,
            @Parameter(description = "1 to 100, default 20") @RequestParam(required = false) Integer limit,
            @Parameter(
                            description = "collateral token: a symbol of the deployment (USDC, usdc, WETH, …) or an"
                                    + " address in any case; default NUTS_LEADERBOARD_COLLATERAL",
                            example = "USDC")
                    @RequestParam(required = false)
                    String collateral) {
        TradeWindow span = TradeWindow.parse(window, TradeWindow.DAYS_7);
        LeaderboardMetric ranked = LeaderboardMetric.parse(metric);
        int size = PageLimit.of(limit);
        String token = collateral == null || collateral.isBlank()
                ? properties.trades().leaderboardCollateral().toLowerCase(Locale.ROOT)
                : platform.tokenParameter(collateral, "collateral");
        // Before any trade in this token, the deployment's registry still knows its symbol and decimals.
        Deployment.Token info = trades.collateral(token)
                .or(() -> platform.deployment().token(token))
                .orElse(new Deployment.Token(null, token, 0));
        Instant asOf;
        List<LeaderboardRepository.RankRow> rows;
        if (span == TradeWindow.ALL) {
            asOf = clock.instant();
            rows = trades.leaderboardAllTime(token, ranked, size);
        } else {
            asOf = windows.asOf();
            rows = trades.leaderboardWindow(token, ranked, span.days(), size);
        }
        List<LeaderboardView.Entry> entries = new ArrayList<>(rows.size());
        int rank = 0;
        for (int i = 0; i < rows.size(); i++) {
            LeaderboardRepository.RankRow row = rows.get(i);
            // Competition ranking: rows come by value descending, so a row's rank is one more than the number of
            // rows with a strictly greater value, all of which are above it on this page.
            if (i == 0 || row.value().compareTo(rows.get(i - 1).value()) != 0) {
                rank = i + 1;
            }
            entries.add(new LeaderboardView.Entry(
                    rank,
                    row.wallet(),
                    row.fid(),
                    row.fidVerified(),
                    row.username(),
                    row.displayName(),
                    row.pfpUrl(),
                    Amount.of(row.value(), info.decimals()),
                    row.trades()));
        }
        return ApiResponse.ok(new LeaderboardView(span.label(), ranked.label(), info, asOf, entries));
    }

    @GetMapping("/referrer/summary")
    @Operation(
            summary = "What the platform's referrer brought",
            description = "Over the trades recorded (all made with the platform's referrer): volume (premiums) and"
                    + " fees by underlying and product, fees per collateral token, unique traders and trades a day,"
                    + " over the last 7 or 30 UTC days (today included; default 30d) or all. Recomputed every minute"
                    + " (NUTS_LEADERBOARD_REFRESH); asOf says when. 503 REFERRER_NOT_CONFIGURED without"
                    + " ALPHABIT_REFERRER_ADDRESS.")
    ApiResponse<ReferrerSummaryView> referrerSummary(
            @Parameter(
                            schema =
                                    @Schema(
                                            allowableValues = {"7d", "30d", "all"},
                                            defaultValue = "30d"))
                    @RequestParam(required = false)
                    String window) {
        TradeWindow span = TradeWindow.parse(window, TradeWindow.DAYS_30);
        if (!properties.hasReferrer()) {
            throw new ApiException(
                    ErrorCode.REFERRER_NOT_CONFIGURED, "ALPHABIT_REFERRER_ADDRESS is not set on this service");
        }
        String referrer = properties.referrerAddress().toLowerCase(Locale.ROOT);
        Instant asOf = windows.asOf();
        LocalDate firstDay = span == TradeWindow.ALL
                ? LocalDate.EPOCH
                : LocalDate.ofInstant(asOf, ZoneOffset.UTC).minusDays(span.days() - 1L);
        List<LeaderboardRepository.ProductRow> products = trades.dailyByProduct(firstDay);
        Map<String, CollateralSum> byToken = new TreeMap<>();
        long total = 0;
        List<ReferrerSummaryView.ProductVolume> volumes = new ArrayList<>(products.size());
        for (LeaderboardRepository.ProductRow row : products) {
            total += row.trades();
            int decimals = row.collateral().decimals();
            volumes.add(new ReferrerSummaryView.ProductVolume(
                    row.underlying(),
                    row.product(),
                    row.collateral(),
                    row.trades(),
                    Amount.of(row.volume(), decimals),
                    Amount.of(row.fees(), decimals)));
            byToken.computeIfAbsent(row.collateral().address(), t -> new CollateralSum(row.collateral()))
                    .add(row);
        }
        List<ReferrerSummaryView.CollateralFees> fees = byToken.values().stream()
                .map(sum -> new ReferrerSummaryView.CollateralFees(
                        sum.collateral,
                        sum.trades,
                        Amount.of(sum.volume, sum.collateral.decimals()),
                        Amount.of(sum.fees, sum.collateral.decimals())))
                .toList();
        return ApiResponse.ok(new ReferrerSummaryView(
                referrer,
                span.label(),
                asOf,
                total,
                trades.uniqueTraders(span.days()),
                volumes,
                fees,
                trades.dailyTrades(firstDay)));
    }

    private static final class CollateralSum {
        private final Deployment.Token collateral;
        private long trades;
        private BigInteger volume = BigInteger.ZERO;
        private BigInteger fees = BigInteger.ZERO;

        CollateralSum(Deployment.Token collateral) {
            this.collateral = collateral;
        }

        void add(LeaderboardRepository.ProductRow row) {
            trades += row.trades();
            volume = volume.add(row.volume());
            fees = fees.add(row.fees());
        }
    }
}
