package io.nutsgate.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.CachedRead;
import io.nutsgate.common.JsonHttp;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsProcessor;

/**
 * Answers a plain {@code GET} of a {@link CachedRead}'s path with its stored bytes before the request reaches
 * Spring MVC: a cached read costs a lookup and a write, not the dispatcher's handler lookup, argument binding,
 * observation and span (JFR showed those, not the body, were the cost of a hit). It keeps what a client sees the same as
 * the controller's answer: {@code X-Request-Id}, CORS for an {@code Origin}, ETag and 304, gzip, and errors as the
 * envelope. It is timed in {@code nuts_cached_reads_seconds}, not in {@code http_server_requests} and not traced
 * (nothing leaves the process). A query string, a body, another method or a CORS preflight goes on to the controller.
 */
final class CachedReadFilter extends HttpFilter {

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
                ? reads.get(request.getRequestURI())
                : null;
        if (served == null) {
            chain.doFilter(request, response);
            return;
        }
        long start = System.nanoTime();
        RequestIdFilter.assign(request, response);
        if (request.getHeader(HttpHeaders.ORIGIN) != null && !corsProcessor.processRequest(cors, request, response)) {
            return; // refused: the processor wrote the CORS_REJECTED envelope
        }
        try {
            JsonHttp.write(served.read().render(), request, response);
        } catch (ApiException e) {
            JsonErrors.write(response, e.code(), e.getMessage());
        }
        served.timer().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private static Timer timer(MeterRegistry meters, CachedRead read) {
        return Timer.builder("nuts.cached.reads")
                .description("Cached reads answered from stored bytes before Spring MVC")
                .tag("uri", read.path())
                .register(meters);
    }
}
