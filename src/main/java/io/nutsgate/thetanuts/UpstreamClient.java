package io.nutsgate.thetanuts;

import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.resilience.Retries;
import io.nutsgate.settings.NutsProperties;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
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
    private final Duration connectTimeout;
    private final MeterRegistry meters;
    private final ObservationRegistry observations;
    private final Retry freshConnection;
    private final UpstreamFailureLog failures = new UpstreamFailureLog(Clock.systemUTC());

    UpstreamClient(NutsProperties properties, MeterRegistry meters, ObservationRegistry observations, Retries retries) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.upstream().connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.timeout = properties.upstream().timeout();
        this.connectTimeout = properties.upstream().connectTimeout();
        this.meters = meters;
        this.observations = observations;
        // The JDK client retries only idempotent requests on a pooled connection the host had closed; POST /update
        // failed with "header parser received no bytes". Such a request was never served: send it once more, on a
        // fresh connection (the closed one has left the pool).
        this.freshConnection = retries.retry(
                "upstream-closed-connection",
                2,
                Duration.ofMillis(1),
                e -> e instanceof ExecutionException failed && UpstreamFailureLog.closedBeforeAnswer(failed.getCause()),
                null);
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
        // A span per call (its name says which call), timed in nuts.upstream.latency below as well.
        return Observation.createNotStarted("nuts.upstream", observations)
                .contextualName("upstream " + endpoint)
                .lowCardinalityKeyValue("endpoint", endpoint)
                .lowCardinalityKeyValue("http.method", request.method())
                .highCardinalityKeyValue("server.address", UpstreamHosts.host(request.uri()))
                .observe(() -> exchange(endpoint, request));
    }

    private byte[] exchange(String endpoint, HttpRequest request) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            HttpResponse<byte[]> response = freshConnection.executeCallable(() -> attempt(request));
            int status = response.statusCode();
            outcome = Integer.toString(status);
            if (status >= 200 && status < 300) {
                return response.body();
            }
            String cause = "answered HTTP " + status;
            failures.failed(endpoint, request.uri(), cause, false);
            throw new UpstreamException(
                    status >= 500 || status == 429 ? ErrorCode.UPSTREAM_UNAVAILABLE : ErrorCode.UPSTREAM_BAD_RESPONSE,
                    UpstreamHosts.describe(endpoint, request.uri(), cause, false));
        } catch (TimeoutException e) {
            outcome = "timeout";
            String cause = noAnswer();
            failures.failed(endpoint, request.uri(), cause, true);
            throw new UpstreamException(
                    ErrorCode.UPSTREAM_TIMEOUT, UpstreamHosts.describe(endpoint, request.uri(), cause, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(ErrorCode.UPSTREAM_UNAVAILABLE, endpoint + " call interrupted");
        } catch (ExecutionException e) {
            Throwable error = e.getCause();
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof BodyTooLargeException) {
                    outcome = "too-large";
                    String cause = "body larger than " + MAX_BODY_BYTES + " bytes";
                    failures.failed(endpoint, request.uri(), cause, false);
                    throw UpstreamException.badResponse(UpstreamHosts.describe(endpoint, request.uri(), cause, false));
                }
            }
            String cause = error instanceof HttpConnectTimeoutException
                    ? "no connection within " + connectTimeout.toMillis() + " ms (NUTS_UPSTREAM_CONNECT_TIMEOUT)"
                    : error instanceof HttpTimeoutException ? noAnswer() : UpstreamFailureLog.cause(error);
            failures.failed(endpoint, request.uri(), cause, true);
            String message = UpstreamHosts.describe(endpoint, request.uri(), cause, true);
            if (error instanceof HttpTimeoutException) {
                outcome = "timeout";
                throw new UpstreamException(ErrorCode.UPSTREAM_TIMEOUT, message, error);
            }
            outcome = error instanceof ConnectException ? "refused" : "io";
            throw new UpstreamException(ErrorCode.UPSTREAM_UNAVAILABLE, message, error);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // attempt throws only the checked exceptions above
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

    private String noAnswer() {
        return "no answer within " + timeout.toMillis() + " ms (NUTS_UPSTREAM_TIMEOUT)";
    }

    /** One exchange, bounded by the total timeout; a timed-out or interrupted exchange is cancelled. */
    private HttpResponse<byte[]> attempt(HttpRequest request)
            throws ExecutionException, TimeoutException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, CappedBody.handler(MAX_BODY_BYTES));
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            call.cancel(true);
            throw e;
        }
    }
}
