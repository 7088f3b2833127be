package io.nutsgate.common;

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
     * The answer as it stands; may throw {@link ApiException}, written as the controller's handler
     * would write it.
     */
    RenderedJson render();
}
