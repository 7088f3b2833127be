package io.nutsgate.indexer;

import io.nutsgate.common.ApiResponse;
import io.nutsgate.protocol.Platform;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/nuts")
@Tag(name = "chain", description = "Our chain indexer, referral revenue and fill receipts")
class IndexerController {

    /** The chain indexer's progress; the same figures are Prometheus gauges {@code nuts_indexer_*}. */
    record IndexerView(
            @Schema(description = "false when BASE_RPC_URL is unset or NUTS_INDEXER_ENABLED=false") boolean enabled,
            @Schema(description = "this instance holds the indexing lock") boolean leader,
            long chainId,
            String optionBook,
            long deploymentBlock,
            int confirmations,
            Long headBlock,
            Long indexedBlock,
            @Schema(description = "head − indexed block") Long lagBlocks,
            @Schema(description = "head block time − indexed block time") Long lagSeconds,
            String lastError,
            Instant lastErrorAt,
            long skippedLogs,
            long reorgs) {}

    private final ChainIndexer indexer;
    private final Platform platform;
    private final int confirmations;

    IndexerController(ChainIndexer indexer, Platform platform, io.nutsgate.settings.NutsProperties properties) {
        this.indexer = indexer;
        this.platform = platform;
        this.confirmations = properties.chain().confirmations();
    }

    @GetMapping("/indexer")
    @Operation(summary = "Chain indexer status: head and indexed block, lag in blocks and seconds, last error")
    ApiResponse<IndexerView> indexer() {
        ChainIndexer.Status s = indexer.status();
        return ApiResponse.ok(new IndexerView(
                s.enabled(),
                s.leader(),
                platform.deployment().chainId(),
                io.nutsgate.common.Addresses.checksum(platform.deployment().optionBook()),
                platform.deployment().deploymentBlock(),
                confirmations,
                s.headBlock(),
                s.indexedBlock(),
                indexer.lagBlocks(),
                indexer.lagSeconds(),
                s.lastError(),
                s.lastErrorAt(),
                s.skippedLogs(),
                s.reorgs()));
    }
}
