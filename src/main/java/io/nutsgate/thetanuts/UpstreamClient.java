package io.nutsgate.thetanuts;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.system.NutsProperties;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;

/**
 * HTTP to the Thetanuts hosts. Every call is bounded by the connect timeout and by a total timeout that
 * covers the whole exchange, body included, so no caller waits longer than configured.
 */
@Component
public class UpstreamClient {

    /**
     * Bodies above this are refused rather than buffered: the largest real feed is far smaller. Enforced while
     * reading (an announced length above it is refused before the body is read; a body that grows past it stops
     * being read), so a huge or endless body never takes more than this much memory.
     */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    /** The body was (or announced to be) larger than {@link #MAX_BODY_BYTES}. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException() {
            super("body larger than " + MAX_BODY_BYTES + " bytes");
        }
    }

    /** Collects a body up to {@code limit} bytes; past it cancels the download and fails. */
    static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final long limit;
        private Flow.Subscription subscription;

        CappedBody(long limit) {
            this.limit = limit;
        }

        static HttpResponse.BodyHandler<byte[]> handler(long limit) {
            return info -> {
                long announced =
                        info.headers().firstValueAsLong("Content-Length").orElse(-1);
                // An announced length over the cap fails on the first bytes instead of downloading them all.
                return new CappedBody(announced > limit ? -1 : limit);
            };
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + (long) buffer.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new BodyTooLargeException());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }

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
        CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, CappedBody.handler(MAX_BODY_BYTES));
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
            return response.body();
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
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof BodyTooLargeException) {
                    outcome = "too-large";
                    failures.failed(endpoint, request.uri(), "body larger than " + MAX_BODY_BYTES + " bytes");
                    throw UpstreamException.badResponse(endpoint + " body larger than " + MAX_BODY_BYTES + " bytes");
                }
            }
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
