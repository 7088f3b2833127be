package io.nutsgate.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nutsgate.common.CachedRead;
import io.nutsgate.common.JsonHttp;
import io.nutsgate.common.RenderedJson;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsProcessor;

/**
 * Answers a plain {@code GET} of a {@link CachedRead}'s path with its stored bytes before the request reaches
 * Spring MVC: a cached read costs a lookup and a write, not the dispatcher's handler lookup, argument binding,
 * observation and span (JFR showed those, not the body, were the cost of a hit). It keeps what a client sees the same as
 * the controller's answer: {@code X-Request-Id}, CORS for an {@code Origin}, ETag and 304, gzip. It is timed in
 * {@code nuts_cached_reads_seconds}, not in {@code http_server_requests}, and not traced: nothing leaves the process.
 * A query string, a body, another method, a CORS preflight, or a read whose cache is not fresh (a miss, a stale copy
 * during an outage, an error) goes on to the controller.
 */
final class CachedReadFilter extends HttpFilter {

    /** A media range with weight 0 ({@code q=0}, {@code q=0.0}, …): "not this", for Spring MVC to weigh. */
    private static final Pattern REFUSED = Pattern.compile("q=0(\\.0*)?\\s*(,|;|$)");

    private final Map<String, Served> reads;
    private final CorsConfiguration cors;
    private final CorsProcessor corsProcessor;

    private record Served(CachedRead read, Timer timer) {}

    CachedReadFilter(
            List<CachedRead> reads, CorsConfiguration cors, CorsProcessor corsProcessor, MeterRegistry meters) {
        this.reads = reads.stream()
                .collect(Collectors.toUnmodifiableMap(CachedRead::path, read -> new Served(read, timer(meters, read))));
        this.cors = cors;
        this.corsProcessor = corsProcessor;
    }

    /** The paths to register the filter for, so Tomcat calls it for nothing else. */
    String[] paths() {
        return reads.keySet().toArray(String[]::new);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Served served = "GET".equals(request.getMethod())
                        && request.getQueryString() == null
                        && request.getContentType() == null
                        && request.getContentLengthLong() <= 0
                        && acceptsJson(request.getHeader(HttpHeaders.ACCEPT))
                ? reads.get(request.getRequestURI())
                : null;
        if (served == null) {
            chain.doFilter(request, response);
            return;
        }
        long start = System.nanoTime();
        RenderedJson cached = served.read().cached();
        if (cached == null) {
            chain.doFilter(request, response);
            return;
        }
        RequestIdFilter.assign(request, response);
        if (request.getHeader(HttpHeaders.ORIGIN) != null && !corsProcessor.processRequest(cors, request, response)) {
            return; // refused: the processor wrote the CORS_REJECTED envelope
        }
        JsonHttp.write(cached, request, response);
        served.timer().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /**
     * A cheap yes for what browsers and clients send (none, <code>*&#47;*</code>, or a list naming JSON); anything else, and
     * any list with a weight of 0, goes to Spring MVC's content negotiation (406 for {@code application/xml}).
     */
    static boolean acceptsJson(String accept) {
        return accept == null
                || ((!accept.contains("q=0") || !REFUSED.matcher(accept).find())
                        && (accept.contains("application/json")
                                || accept.contains("*/*")
                                || accept.contains("application/*")));
    }

    private static Timer timer(MeterRegistry meters, CachedRead read) {
        return Timer.builder("nuts.cached.reads")
                .description("Cached reads answered from stored bytes before Spring MVC")
                .tag("uri", read.path())
                .register(meters);
    }
}
