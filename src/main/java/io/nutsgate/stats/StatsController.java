package io.nutsgate.stats;

import io.nutsgate.common.JsonHttp;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/nuts")
@Tag(name = "stats", description = "Protocol and referrer statistics from the indexer")
class StatsController {

    @Schema(name = "StatsResponse", description = "The indexer's stats object, fields kept as it gives them")
    record StatsEnvelope(
            boolean success,
            @Schema(
                            example = "{\"totalOptionsTracked\":10342,\"openPositions\":412,\"settledPositions\":9801,"
                                    + "\"closedPositions\":117,\"uniqueUsers\":1386,\"lastProcessedBlock\":46845718}")
                    Object data,
            Boolean stale,
            Long ageSeconds) {}

    private final StatsReads reads;

    StatsController(StatsReads reads) {
        this.reads = reads;
    }

    @GetMapping(value = "/stats", produces = "application/json")
    @Operation(summary = "Protocol statistics of the book indexer")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = StatsEnvelope.class)))
    void stats(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonHttp.write(reads.protocol(), request, response);
    }

    @GetMapping(value = "/referrer/stats", produces = "application/json")
    @Operation(summary = "The indexer's state for our referrer: referred positions keyed by option, and a summary")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = StatsEnvelope.class)))
    @ApiResponse(responseCode = "503", description = "REFERRER_NOT_CONFIGURED")
    void referrerStats(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonHttp.write(reads.referrer(), request, response);
    }
}
