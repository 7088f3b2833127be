package io.nutsgate.stats;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.JsonHttp;
import io.nutsgate.common.RenderCache;
import io.nutsgate.protocol.Platform;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.thetanuts.CachedUpstream;
import io.nutsgate.thetanuts.CachedUpstream.Fetched;
import io.nutsgate.thetanuts.CachedUpstream.Resource;
import io.nutsgate.thetanuts.IndexerUrls;
import io.nutsgate.thetanuts.UpstreamException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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

    private final CachedUpstream upstream;
    private final IndexerUrls urls;
    private final Platform platform;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration ttl;
    private final RenderCache rendered = new RenderCache(16, Duration.ofMinutes(30));

    StatsController(
            CachedUpstream upstream,
            IndexerUrls urls,
            Platform platform,
            JsonMapper json,
            Clock clock,
            NutsProperties properties) {
        this.upstream = upstream;
        this.urls = urls;
        this.platform = platform;
        this.json = json;
        this.clock = clock;
        this.ttl = properties.cache().ttl().stats();
    }

    @GetMapping(value = "/stats", produces = "application/json")
    @Operation(summary = "Protocol statistics of the book indexer")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = StatsEnvelope.class)))
    void stats(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(new Resource<>("stats", "stats", urls.stats(), ttl, this::object), request, response);
    }

    @GetMapping(value = "/referrer/stats", produces = "application/json")
    @Operation(summary = "The indexer's state for our referrer: referred positions keyed by option, and a summary")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = StatsEnvelope.class)))
    @ApiResponse(responseCode = "503", description = "REFERRER_NOT_CONFIGURED")
    void referrerStats(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String referrer = platform.referrer()
                .orElseThrow(() -> new ApiException(
                        ErrorCode.REFERRER_NOT_CONFIGURED, "ALPHABIT_REFERRER_ADDRESS is not configured"));
        serve(
                new Resource<>(
                        "referrer-state:" + referrer,
                        "referrer-state",
                        urls.referrerState(referrer),
                        ttl,
                        this::referrerState),
                request,
                response);
    }

    private void serve(Resource<JsonNode> resource, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Fetched<JsonNode> fetched = upstream.get(resource);
        JsonHttp.write(
                rendered.get(
                        resource.key(),
                        fetched.fetchedAtMillis(),
                        fetched.stale(),
                        fetched.ageSeconds(clock),
                        () -> json.writeValueAsBytes(fetched.value())),
                request,
                response);
    }

    private JsonNode object(byte[] body) {
        JsonNode root = json.readTree(body);
        if (root == null || !root.isObject()) {
            throw UpstreamException.badResponse("stats is not a JSON object");
        }
        return root;
    }

    private JsonNode referrerState(byte[] body) {
        JsonNode root = object(body);
        JsonNode positions = root.get("positions");
        if (positions != null && !positions.isObject() && !positions.isArray()) {
            throw UpstreamException.badResponse("referrer state positions are not an object");
        }
        return root;
    }
}
