package io.nutsgate.stats;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.CachedRead;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.RenderCache;
import io.nutsgate.common.RenderedJson;
import io.nutsgate.protocol.Platform;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.thetanuts.CachedUpstream;
import io.nutsgate.thetanuts.CachedUpstream.Fetched;
import io.nutsgate.thetanuts.CachedUpstream.Resource;
import io.nutsgate.thetanuts.IndexerUrls;
import io.nutsgate.thetanuts.UpstreamException;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The indexer's protocol stats and our referrer's state, cached and rendered once per fetch; served by
 * {@link StatsController} and, for the plain {@code GET}, before Spring MVC as {@link CachedRead}s.
 */
@Configuration(proxyBeanMethods = false)
class StatsReads {

    private final CachedUpstream upstream;
    private final IndexerUrls urls;
    private final Platform platform;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration ttl;
    private final RenderCache rendered = new RenderCache(16, Duration.ofMinutes(30));

    StatsReads(
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

    @Bean
    CachedRead protocolStatsRead() {
        return CachedRead.of("/nuts/stats", () -> cached(protocolResource()));
    }

    @Bean
    CachedRead referrerStatsRead() {
        return CachedRead.of(
                "/nuts/referrer/stats", () -> platform.referrer().isEmpty() ? null : cached(referrerResource()));
    }

    RenderedJson protocol() {
        return render(protocolResource());
    }

    RenderedJson referrer() {
        return render(referrerResource());
    }

    private Resource<JsonNode> protocolResource() {
        return new Resource<>("stats", "stats", urls.stats(), ttl, this::object).refreshedAhead();
    }

    private Resource<JsonNode> referrerResource() {
        String referrer = platform.referrer()
                .orElseThrow(() -> new ApiException(
                        ErrorCode.REFERRER_NOT_CONFIGURED, "ALPHABIT_REFERRER_ADDRESS is not configured"));
        return new Resource<>(
                        "referrer-state:" + referrer,
                        "referrer-state",
                        urls.referrerState(referrer),
                        ttl,
                        this::referrerState)
                .refreshedAhead();
    }

    /** The rendered answer when the in-process cache holds it fresh (no remote call); else null. */
    private RenderedJson cached(Resource<JsonNode> resource) {
        return upstream.freshInProcess(resource)
                .map(fetched -> render(resource, fetched))
                .orElse(null);
    }

    private RenderedJson render(Resource<JsonNode> resource) {
        return render(resource, upstream.get(resource));
    }

    private RenderedJson render(Resource<JsonNode> resource, Fetched<JsonNode> fetched) {
        return rendered.get(
                resource.key(),
                fetched.fetchedAtMillis(),
                fetched.stale(),
                fetched.ageSeconds(clock),
                () -> json.writeValueAsBytes(fetched.value()));
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
