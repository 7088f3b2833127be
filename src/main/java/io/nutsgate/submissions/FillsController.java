package io.nutsgate.submissions;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ApiResponse;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.ratelimit.ClientAddresses;
import io.nutsgate.trades.TradeView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/nuts/fills")
@Tag(name = "chain", description = "Our chain indexer, referral revenue and fill receipts")
class FillsController {

    // the OpenAPI schema keeps the name it was published under
    @Schema(name = "FillRequest")
    record FillSubmissionRequest(
            @Schema(
                            description = "the fillOrder transaction the wallet just sent",
                            example = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060")
                    String txHash) {}

    @Schema(name = "FillSubmission")
    record FillSubmissionView(
            String txHash,
            @Schema(
                            description = "pending (receipt not read yet), recorded (its fills are trades) or failed",
                            example = "recorded")
                    String state,
            @Schema(description = "why it failed, for the user; null unless failed") String error,
            @Schema(description = "the trades the fill recorded (ours: fills through our referrer)")
                    List<TradeView> trades,
            @Schema(description = "when it was submitted, unix seconds") Instant createdAt,
            @Schema(description = "last change, unix seconds") Instant updatedAt) {

        static FillSubmissionView of(FillSubmissions.Submission s) {
            return new FillSubmissionView(
                    s.txHash(),
                    s.state().name().toLowerCase(Locale.ROOT),
                    s.error(),
                    s.trades(),
                    s.createdAt(),
                    s.updatedAt());
        }
    }

    private final FillSubmissions submissions;
    private final ClientAddresses clients;

    FillsController(FillSubmissions submissions, ClientAddresses clients) {
        this.submissions = submissions;
        this.clients = clients;
    }

    @PostMapping
    @Operation(
            summary = "Report a fillOrder transaction right after sending it: its receipt is read (every 500 ms at"
                    + " first, then less often) for up to 2 minutes and its OrderFilled recorded as trades at once"
                    + " (idempotent per txHash). Limited per client: 429 RATE_LIMITED or TOO_MANY_PENDING_FILLS")
    ApiResponse<FillSubmissionView> submit(@RequestBody FillSubmissionRequest request, HttpServletRequest http) {
        return ApiResponse.ok(FillSubmissionView.of(
                submissions.submit(request == null ? null : request.txHash(), clients.clientKey(http))));
    }

    @GetMapping("/{txHash}")
    @Operation(summary = "Where a submitted fill stands: pending, recorded (with its trades) or failed (with why)")
    ApiResponse<FillSubmissionView> fill(@PathVariable String txHash) {
        return ApiResponse.ok(submissions
                .find(txHash)
                .map(FillSubmissionView::of)
                .orElseThrow(() -> new ApiException(
                        ErrorCode.FILL_NOT_FOUND, "txHash " + txHash + " was not submitted to POST /nuts/fills")));
    }
}
