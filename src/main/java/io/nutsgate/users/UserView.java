package io.nutsgate.users;

import io.nutsgate.common.Checksummed;
import java.time.Instant;
import java.util.List;

/**
 * A user's public profile and the wallets linked to it. {@code fid} is null for a user who signed in with a wallet
 * only; {@code fidVerified} says whether Farcaster Quick Auth proved it (a fid typed before issue 18 is kept,
 * unverified).
 */
public record UserView(
        Long fid,
        boolean fidVerified,
        String username,
        String displayName,
        String pfpUrl,
        List<WalletView> wallets,
        Instant createdAt,
        Instant updatedAt) {

    /** A linked wallet (answered EIP-55 checksummed) and when it last proved itself with SIWE. */
    public record WalletView(@Checksummed String address, Instant verifiedAt) {}
}
