package io.nutsgate.thetanuts;

import io.nutsgate.settings.NutsProperties;
import io.nutsgate.thetanuts.CachedUpstream.Fetched;
import io.nutsgate.thetanuts.CachedUpstream.Resource;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A user's positions and history from the book indexer: cached for the gateway, or fresh for syncs. */
@Service
public class PositionsApi {

    private final CachedUpstream cached;
    private final UpstreamClient client;
    private final Breakers breakers;
    private final IndexerUrls urls;
    private final JsonMapper json;
    private final NutsProperties.Ttl ttl;

    PositionsApi(
            CachedUpstream cached,
            UpstreamClient client,
            Breakers breakers,
            IndexerUrls urls,
            JsonMapper json,
            NutsProperties properties) {
        this.cached = cached;
        this.client = client;
        this.breakers = breakers;
        this.urls = urls;
        this.json = json;
        this.ttl = properties.cache().ttl();
    }

    /**
     * An uncached read of one list, every field kept and not filtered by referrer. Throws
     * {@link io.nutsgate.thetanuts.UpstreamException} on any upstream failure, at once while the endpoint's breaker is
     * open (the cached reads' breaker: one host, one view of whether it is up). {@code address} lower case.
     */
    public List<ObjectNode> fetchFresh(String address, PositionKind kind) {
        URI uri = uri(address, kind);
        return PositionsParser.parse(json, breakers.call(kind.endpoint(), uri, () -> client.get(kind.endpoint(), uri)));
    }

    /** The same list through the cache (stale on upstream failure, see {@link CachedUpstream}). */
    public Fetched<List<ObjectNode>> fetchCached(String address, PositionKind kind) {
        return cached.get(resource(address, kind));
    }

    /** Whether the open positions of {@code address} are cached fresh, by this instance or (over Redis) another. */
    public boolean isOpenCachedFresh(String address) {
        return cached.holdsFresh(resource(address, PositionKind.OPEN));
    }

    /**
     * Refetches the cached lists of {@code address} (after a trade). A list is replaced only by a newer good answer:
     * when the indexer fails, the last good one stays and is still served, so a failing refresh cannot knock out
     * anyone's fallback. Lists not in the cache are left for their first read.
     */
    public void refresh(String address) {
        for (PositionKind kind : PositionKind.values()) {
            Resource<List<ObjectNode>> resource = resource(address, kind);
            if (cached.holds(resource.key())) {
                cached.refresh(resource);
            }
        }
    }

    private Resource<List<ObjectNode>> resource(String address, PositionKind kind) {
        Duration lifetime = kind == PositionKind.OPEN ? ttl.positions() : ttl.history();
        return new Resource<>(
                cacheKey(address, kind),
                kind.endpoint(),
                uri(address, kind),
                lifetime,
                body -> PositionsParser.parse(json, body));
    }

    private URI uri(String address, PositionKind kind) {
        return kind == PositionKind.OPEN ? urls.userPositions(address) : urls.userHistory(address);
    }

    private static String cacheKey(String address, PositionKind kind) {
        return kind.endpoint() + ":" + address;
    }
}
