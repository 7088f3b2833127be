package io.nutsgate.trades;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A page of a wallet's trades, newest first. */
public record TradePage(
        List<TradeView> trades,
        @Schema(description = "Pass as cursor for the next page; null on the last page") String nextCursor) {}
