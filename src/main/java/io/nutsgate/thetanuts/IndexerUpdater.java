package io.nutsgate.thetanuts;

import io.github.resilience4j.retry.Retry;
import io.nutsgate.resilience.Retries;
import io.nutsgate.settings.NutsProperties;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the indexer to sync. When it answers {@code skipped} (a sync is already running) it is asked again in
 * the background every {@code NUTS_UPDATE_RETRY_DELAY}, at most {@code NUTS_UPDATE_MAX_RETRIES} times (the
 * {@code indexer-update} retry of {@link Retries}); at most one retry chain runs at once. Every call goes through the
 * {@code upstream-update} breaker ({@link Breakers}): while the indexer keeps failing, it is not called.
 */
@Component
public class IndexerUpdater {

    private static final Logger log = LoggerFactory.getLogger(IndexerUpdater.class);

    private final UpstreamClient client;
    private final Breakers breakers;
    private final IndexerUrls urls;
    private final JsonMapper json;
    private final Duration retryDelay;
    private final int maxRetries;
    private final Retries retries;
    private final Retry retry;
    private final AtomicBoolean retrying = new AtomicBoolean();

    IndexerUpdater(
            UpstreamClient client,
            Breakers breakers,
            IndexerUrls urls,
            JsonMapper json,
            NutsProperties properties,
            Retries retries) {
        this.client = client;
        this.breakers = breakers;
        this.urls = urls;
        this.json = json;
        this.retryDelay = properties.update().retryDelay();
        this.maxRetries = properties.update().maxRetries();
        this.retries = retries;
        this.retry = retries.retry(
                "indexer-update",
                Math.max(1, maxRetries),
                retryDelay,
                e -> e instanceof UpstreamException,
                "skipped"::equals);
    }

    /** The indexer's status ({@code success} or {@code skipped}); schedules the retries of a skip. */
    public Result update() {
        String status = call();
        boolean skipped = status.equals("skipped");
        if (skipped && maxRetries > 0 && retrying.compareAndSet(false, true)) {
            retries.inBackground(retry, retryDelay, this::call).whenComplete((last, failure) -> {
                retrying.set(false);
                if (failure != null) {
                    log.warn("indexer update retries ({}) failed: {}", maxRetries, failure.getMessage());
                } else {
                    log.info("indexer update retried: {}", last);
                }
            });
        }
        // A skip started a retry chain, or joined the one already pending.
        return new Result(status, skipped && retrying.get());
    }

    public record Result(String status, boolean retryScheduled) {}

    private String call() {
        URI uri = urls.update();
        byte[] body = breakers.call("update", uri, () -> client.post("update", uri));
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (RuntimeException e) {
            throw UpstreamException.badResponse("update answer is not JSON");
        }
        String status = root == null ? null : root.path("status").asString(null);
        if (status == null || status.isBlank()) {
            throw UpstreamException.badResponse("update answer has no status");
        }
        return status;
    }
}
