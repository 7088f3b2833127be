package io.nutsgate.dashboard;

import io.nutsgate.common.Amount;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ApiResponse;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.QueryParameters;
import io.nutsgate.ops.ManagementToken;
import io.nutsgate.settings.NutsProperties;
import io.swagger.v3.oas.annotations.Operation;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.web3j.crypto.Keys;

/**
 * The operator dashboard's numbers, behind the same protection as the metrics: {@code Authorization: Bearer
 * <NUTS_MANAGEMENT_TOKEN>} ({@link ManagementToken}), else 401 {@code UNAUTHORIZED}. Closed when no token is set (404
 * {@code OPERATOR_NOT_CONFIGURED}).
 */
@RestController
@RequestMapping("/nuts")
class DashboardController {

    private final NutsProperties properties;
    private final ManagementToken token;
    private final DashboardRepository repository;
    private final Clock clock;

    DashboardController(NutsProperties properties, ManagementToken token, DashboardRepository repository, Clock clock) {
        this.properties = properties;
        this.token = token;
        this.repository = repository;
        this.clock = clock;
    }

    @GetMapping(value = "/dashboard", produces = "application/json")
    @Operation(
            summary = "The operator dashboard's numbers",
            description =
                    "Over the last `days` UTC days (1-366, default 30): referral revenue per token and day"
                            + " (protocol fees and our estimated share from ALPHABIT_REFERRER_FEE_SPLIT_BPS), volume by"
                            + " underlying and product, traders per day, settlements and payouts to buyers per day. Needs `Authorization: Bearer NUTS_MANAGEMENT_TOKEN`, as the metrics do.")
    ApiResponse<DashboardView> dashboard(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestParam(required = false) String days) {
        authorize(authorization);
        int span = QueryParameters.wholeNumber("days", days, 1, 366, 30);
        Instant now = clock.instant();
        LocalDate firstDay = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(span - 1L);
        Instant from = firstDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        Integer split = properties.fill().referrerFeeSplitBps();
        List<DashboardView.DailyRevenue> revenue = repository.revenuePerDay(from).stream()
                .map(r -> new DashboardView.DailyRevenue(
                        r.day(),
                        r.day().atStartOfDay(ZoneOffset.UTC).toInstant(),
                        r.collateral(),
                        r.trades(),
                        Amount.of(r.volume(), r.collateral().decimals()),
                        Amount.of(r.fees(), r.collateral().decimals()),
                        split == null
                                ? null
                                : Amount.of(
                                        r.fees()
                                                .multiply(BigInteger.valueOf(split))
                                                .divide(BigInteger.valueOf(10_000)),
                                        r.collateral().decimals())))
                .toList();
        List<DashboardView.ProductVolume> products = repository.volumeByProduct(from).stream()
                .map(r -> new DashboardView.ProductVolume(
                        r.underlying(),
                        r.product(),
                        r.collateral(),
                        r.trades(),
                        Amount.of(r.volume(), r.collateral().decimals())))
                .toList();
        List<DashboardView.DailyTraders> traders = repository.tradersPerDay(from).stream()
                .map(r -> new DashboardView.DailyTraders(
                        r.day(), r.day().atStartOfDay(ZoneOffset.UTC).toInstant(), r.traders(), r.trades()))
                .toList();
        List<DashboardView.DailyPayouts> payouts = repository.payoutsPerDay(from).stream()
                .map(r -> new DashboardView.DailyPayouts(
                        r.day(),
                        r.day().atStartOfDay(ZoneOffset.UTC).toInstant(),
                        r.collateral(),
                        r.settled(),
                        r.inTheMoney(),
                        Amount.of(r.payouts(), r.collateral().decimals())))
                .toList();
        String referrer = properties.hasReferrer() ? Keys.toChecksumAddress(properties.referrerAddress()) : null;
        return ApiResponse.ok(new DashboardView(referrer, now, span, split, revenue, products, traders, payouts));
    }

    private void authorize(String authorization) {
        if (!token.isSet()) {
            throw new ApiException(
                    ErrorCode.OPERATOR_NOT_CONFIGURED, "the dashboard is off: NUTS_MANAGEMENT_TOKEN is not set");
        }
        if (!token.presentedIn(authorization)) {
            throw new ApiException(
                    ErrorCode.UNAUTHORIZED, "Authorization: /nuts/dashboard needs Bearer NUTS_MANAGEMENT_TOKEN");
        }
    }
}
