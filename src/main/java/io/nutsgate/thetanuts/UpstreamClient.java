package io.nutsgate.thetanuts;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.system.NutsProperties;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;

/**
 * HTTP to the Thetanuts hosts. Every call is bounded by the connect timeout and by a total timeout that
 * covers the whole exchange, body included, so no caller waits longer than configured.
 */
@Component
public class UpstreamClient {

    /** Bodies above this are refused rather than buffered: the largest real feed is far smaller. */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final HttpClient http;
    private final Duration timeout;
    private final MeterRegistry meters;
    private final UpstreamFailureLog failures = new UpstreamFailureLog(Clock.systemUTC());

    UpstreamClient(NutsProperties properties, MeterRegistry meters) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.upstream().connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.timeout = properties.upstream().timeout();
        this.meters = meters;
    }

    /** GETs {@code uri}; {@code endpoint} names the call in metrics. Returns the body of a 2xx answer. */
    public byte[] get(String endpoint, URI uri) {
        return send(endpoint, HttpRequest.newBuilder(uri).GET());
    }

    /** POSTs an empty body, as the indexer's {@code /update} expects. */
    public byte[] post(String endpoint, URI uri) {
        return send(endpoint, HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private byte[] send(String endpoint, HttpRequest.Builder builder) {
        HttpRequest request = builder.timeout(timeout)
                .header("Accept", "application/json")
                .header("User-Agent", "nutsgate")
                .build();
        long start = System.nanoTime();
        String outcome = "error";
        CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            HttpResponse<byte[]> response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int status = response.statusCode();
            outcome = Integer.toString(status);
            if (status < 200 || status >= 300) {
                failures.failed(endpoint, request.uri(), "HTTP " + status);
            }
            if (status >= 500 || status == 429) {
                throw new UpstreamException(ErrorCode.UPSTREAM_UNAVAILABLE, endpoint + " answered HTTP " + status);
            }
            if (status < 200 || status >= 300) {
                throw new UpstreamException(ErrorCode.UPSTREAM_BAD_RESPONSE, endpoint + " answered HTTP " + status);
            }
            byte[] body = response.body();
            if (body.length > MAX_BODY_BYTES) {
                failures.failed(endpoint, request.uri(), "body larger than " + MAX_BODY_BYTES + " bytes");
                throw UpstreamException.badResponse(endpoint + " body larger than " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        } catch (TimeoutException e) {
            call.cancel(true);
            outcome = "timeout";
            failures.failed(endpoint, request.uri(), "timeout after " + timeout.toMillis() + " ms");
            throw new UpstreamException(
                    ErrorCode.UPSTREAM_TIMEOUT, endpoint + " did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new UpstreamException(ErrorCode.UPSTREAM_UNAVAILABLE, endpoint + " call interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            failures.failed(endpoint, request.uri(), UpstreamFailureLog.cause(cause));
            if (cause instanceof HttpTimeoutException) {
                outcome = "timeout";
                throw new UpstreamException(ErrorCode.UPSTREAM_TIMEOUT, endpoint + " did not answer in time", cause);
            }
            outcome = cause instanceof ConnectException ? "refused" : "io";
            String reason = cause instanceof IOException && cause.getMessage() != null
                    ? cause.getClass().getSimpleName() + ": " + cause.getMessage()
                    : String.valueOf(cause);
            throw new UpstreamException(
                    ErrorCode.UPSTREAM_UNAVAILABLE, endpoint + " unreachable (" + reason + ")", cause);
        } finally {
            Timer.builder("nuts.upstream.latency")
                    .description("Latency of calls to the Thetanuts hosts")
                    .tag("endpoint", endpoint)
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .register(meters)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
