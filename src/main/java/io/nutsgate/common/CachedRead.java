package io.nutsgate.common;

import java.util.function.Supplier;

/**
 * A read answered from stored bytes: a feature offers one for a path whose plain {@code GET} (no query string) needs
 * no argument, and {@code web.CachedReadFilter} answers it before Spring MVC and the request observation, the way a
 * static file server would. Anything else on that path (a query, another method, a preflight) still goes to the
 * controller, which serves the same bytes.
 */
public interface CachedRead {

    /** The exact request path, e.g. {@code /nuts/orders}. */
    String path();

    /**
     * The stored answer when it can be given without a remote call (the feature's in-process cache holds it fresh);
     * otherwise null, and the controller answers: it fetches, serves a stale copy or an error, traced and measured
     * as every dispatched request is.
     */
    RenderedJson cached();

    static CachedRead of(String path, Supplier<RenderedJson> cached) {
        return new CachedRead() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public RenderedJson cached() {
                return cached.get();
            }
        };
    }
}
