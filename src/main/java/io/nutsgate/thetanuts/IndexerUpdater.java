package io.nutsgate.thetanuts;

import io.nutsgate.system.NutsProperties;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the indexer to sync. When it answers {@code skipped} (a sync is already running) it is asked again in
 * the background after a pause, a bounded number of times; at most one retry chain runs at once.
 */
@Component
public class IndexerUpdater {

    private static final Logger log = LoggerFactory.getLogger(IndexerUpdater.class);

    private final UpstreamClient client;
    private final IndexerUrls urls;
    private final JsonMapper json;
    private final Duration retryDelay;
    private final int maxRetries;
    private final AtomicBoolean retrying = new AtomicBoolean();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("indexer-update-retry").factory());

    IndexerUpdater(UpstreamClient client, IndexerUrls urls, JsonMapper json, NutsProperties properties) {
        this.client = client;
        this.urls = urls;
        this.json = json;
        this.retryDelay = properties.update().retryDelay();
        this.maxRetries = properties.update().maxRetries();
    }

    /** The indexer's status ({@code success} or {@code skipped}); schedules the retries of a skip. */
    public Result update() {
        String status = call();
        boolean skipped = status.equals("skipped");
        if (skipped && retrying.compareAndSet(false, true)) {
            schedule(1);
        }
        // A skip started a retry chain, or joined the one already pending.
        return new Result(status, skipped && retrying.get());
    }

    public record Result(String status, boolean retryScheduled) {}

    private void schedule(int attempt) {
        scheduler.schedule(() -> retry(attempt), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void retry(int attempt) {
        try {
            String status = call();
            log.info("indexer update retry {} of {}: {}", attempt, maxRetries, status);
            if (status.equals("skipped") && attempt < maxRetries) {
                schedule(attempt + 1);
                return;
            }
        } catch (UpstreamException e) {
            log.warn("indexer update retry {} of {} failed: {}", attempt, maxRetries, e.getMessage());
            if (attempt < maxRetries) {
                schedule(attempt + 1);
                return;
            }
        }
        retrying.set(false);
    }

    private String call() {
        byte[] body = client.post("update", urls.update());
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

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
