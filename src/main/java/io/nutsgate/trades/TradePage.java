package io.nutsgate.trades;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A page of a wallet's trades, newest first, and who trades with that wallet. */
public record TradePage(
        List<TradeView> trades,
        @Schema(description = "Pass as cursor for the next page; null on the last page") String nextCursor,
        @Schema(description = "The profile the wallet is linked to; null for a wallet without one") Trader trader) {

    /** The wallet's user: its fid, whether Farcaster Quick Auth verified it, and its names. */
    public record Trader(
            @Schema(description = "null for a user without a fid") Long fid,
            @Schema(description = "whether Farcaster Quick Auth verified the fid (false for one typed before)")
                    boolean fidVerified,
            String username,
            String displayName,
            String pfpUrl) {}
}
