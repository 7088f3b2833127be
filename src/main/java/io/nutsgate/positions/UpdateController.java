package io.nutsgate.positions;

import io.nutsgate.common.Addresses;
import io.nutsgate.common.ApiResponse;
import io.nutsgate.common.Checksummed;
import io.nutsgate.ratelimit.RateLimiter;
import io.nutsgate.ratelimit.RateLimiters;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.thetanuts.IndexerUpdater;
import io.nutsgate.thetanuts.PositionsApi;
import io.nutsgate.trades.TradeSyncRequestedEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/nuts")
@Tag(name = "update", description = "The post-trade sync trigger")
class UpdateController {

    @Schema(description = "Whose cached positions to refresh; optional")
    record UpdateRequest(@Schema(example = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c") String address) {}

    @Schema(description = "The indexer's answer")
    record UpdateView(
            @Schema(description = "success, or skipped when a sync was already running", example = "success")
                    String status,
            @Schema(description = "A background retry of a skipped sync is pending") boolean retryScheduled,
            @Schema(description = "The address whose cached positions were refreshed, if any") @Checksummed
                    String address) {}

    private final IndexerUpdater updater;
    private final PositionsApi positions;
    private final RateLimiter limiter;
    private final ApplicationEventPublisher events;

    UpdateController(
            IndexerUpdater updater,
            PositionsApi positions,
            NutsProperties properties,
            RateLimiters limiters,
            ApplicationEventPublisher events) {
        this.updater = updater;
        this.positions = positions;
        this.limiter = limiters.limiter(
                "update",
                properties.updateRateLimit().requests(),
                properties.updateRateLimit().window());
        this.events = events;
    }

    @PostMapping(value = "/update", produces = "application/json")
    @Operation(
            summary = "Ask the indexer to sync after a trade",
            description = "Once the indexer accepted, refetches the cached positions and history of address; a list "
                    + "is replaced only by a newer good answer, so a failing indexer leaves the last good one served. "
                    + "On {\"status\":\"skipped\"} the sync is retried in the background after ~10 s (bounded). "
                    + "Needs no database. Limited per client; past it 429 RATE_LIMITED.")
    ResponseEntity<ApiResponse<UpdateView>> update(
            @RequestBody(required = false) UpdateRequest body, HttpServletRequest request) {
        return ResponseEntity.ok(trigger(body == null ? null : body.address(), request));
    }

    @Deprecated
    @GetMapping(value = "/update", produces = "application/json")
    @Operation(summary = "Deprecated alias of POST /nuts/update", deprecated = true)
    ResponseEntity<ApiResponse<UpdateView>> updateByGet(
            @RequestParam(required = false) String address, HttpServletRequest request) {
        return ResponseEntity.ok()
                .header("Deprecation", "true")
                .header(HttpHeaders.LINK, "</nuts/update>; rel=\"successor-version\"")
                .body(trigger(address, request));
    }

    private ApiResponse<UpdateView> trigger(String rawAddress, HttpServletRequest request) {
        String address = rawAddress == null ? null : Addresses.require(rawAddress, "address");
        limiter.acquire(request);
        IndexerUpdater.Result result = updater.update();
        if (address != null) {
            positions.refresh(address);
            events.publishEvent(new PositionsRefreshRequestedEvent(address));
            events.publishEvent(new TradeSyncRequestedEvent(address, true));
        }
        return ApiResponse.ok(new UpdateView(result.status(), result.retryScheduled(), address));
    }
}
