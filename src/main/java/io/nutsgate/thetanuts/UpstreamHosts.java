package io.nutsgate.thetanuts;

import io.nutsgate.settings.NutsProperties;
import java.net.URI;
import java.util.Set;

/**
 * Says which setting an upstream URL came from ({@code THETANUTS_ORDERS_URL} for the feed,
 * {@code THETANUTS_INDEXER_URL} for everything else) and, when it is still a default host that cannot be reached,
 * where a working stand-in is: the failure messages name what the operator can change.
 */
final class UpstreamHosts {

    static final String ORDERS_SETTING = "THETANUTS_ORDERS_URL";
    static final String INDEXER_SETTING = "THETANUTS_INDEXER_URL";

    /** Printed when a default host cannot be reached: both ways to run without the real Thetanuts hosts. */
    static final String STAND_IN_HINT = "the default Thetanuts hosts are unreachable from here: serve the recorded"
            + " fixtures with `python3 bench/fixture_upstream.py` and set THETANUTS_ORDERS_URL=http://127.0.0.1:19080/feed/"
            + " THETANUTS_INDEXER_URL=http://127.0.0.1:19080/book, or run the whole sandbox with `dev/sandbox`";

    private static final Set<String> DEFAULT_HOSTS = Set.of(
            URI.create(NutsProperties.DEFAULT_ORDERS_URL).getHost(),
            URI.create(NutsProperties.DEFAULT_INDEXER_URL).getHost());

    private UpstreamHosts() {}

    /** The environment variable that sets the URL of {@code endpoint} (the name used in metrics). */
    static String setting(String endpoint) {
        return "orders".equals(endpoint) ? ORDERS_SETTING : INDEXER_SETTING;
    }

    /** {@code host[:port]} of {@code uri}, as an operator would type it. */
    static String host(URI uri) {
        return uri.getPort() < 0 ? String.valueOf(uri.getHost()) : uri.getHost() + ":" + uri.getPort();
    }

    /**
     * One sentence for a failed call: the endpoint, the host and the setting it came from, the cause, and for a default
     * host that could not be reached at all the stand-in to use instead.
     */
    static String describe(String endpoint, URI uri, String cause, boolean unreachable) {
        String sentence = endpoint + " call to " + host(uri) + " (" + setting(endpoint) + ") failed: " + cause;
        return unreachable && DEFAULT_HOSTS.contains(uri.getHost()) ? sentence + "; " + STAND_IN_HINT : sentence;
    }
}
