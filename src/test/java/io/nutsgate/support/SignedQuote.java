package io.nutsgate.support;

import java.math.BigInteger;
import org.web3j.crypto.Hash;

/**
 * A quote of the devnet's maker signed with the maker's key, as the feed serves it and a taker fills it: the order
 * ({@code numContracts} 0), its signature, and the id the API lists it under.
 */
public record SignedQuote(Devnet.Order order, String signature) {

    /** The maker's quote of REFERENCE §3.5's first row ({@link Devnet#referenceSpread}) with a signed budget. */
    public static SignedQuote referenceSpread(Devnet devnet, BigInteger budget) {
        Devnet.Order order = devnet.referenceSpread(budget);
        return new SignedQuote(order, devnet.sign(order, devnet.maker().credentials()));
    }

    /** The quote's id in {@code GET /nuts/orders}: the Keccak-256 of its signature. */
    public String id() {
        return Hash.sha3(signature);
    }

    /** The order a taker sends to fill {@code contracts} of the quote (with the same signature). */
    public Devnet.Order filling(BigInteger contracts) {
        return order.withNumContracts(contracts);
    }
}
