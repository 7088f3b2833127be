package io.nutsgate.payout;

import java.util.Optional;

/**
 * Looks up a filled option by its contract address. The book indexer only answers per user, so the owner
 * (buyer or seller) is part of the question; an on-chain reader (the option clone's views) could answer from
 * the address alone.
 */
public interface OptionPositions {

    /** The option at {@code optionAddress} among {@code owner}'s open and settled positions (both lower case). */
    Optional<HeldPosition> find(String optionAddress, String owner);
}
