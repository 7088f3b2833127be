package io.nutsgate.thetanuts;

import io.nutsgate.settings.NutsProperties;
import java.net.URI;
import org.springframework.stereotype.Component;

/** URLs of the book indexer (REFERENCE §1.4), the same paths on every host generation. */
@Component
public class IndexerUrls {

    private final String base;

    IndexerUrls(NutsProperties properties) {
        String url = properties.indexerUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** {@code address} must already be validated and lower-cased. */
    public URI userPositions(String address) {
        return URI.create(base + "/user/" + address + "/positions");
    }

    public URI userHistory(String address) {
        return URI.create(base + "/user/" + address + "/history");
    }

    public URI update() {
        return URI.create(base + "/update");
    }

    public URI stats() {
        return URI.create(base + "/stats");
    }

    public URI referrerState(String referrer) {
        return URI.create(base + "/referrer/" + referrer + "/state");
    }
}
