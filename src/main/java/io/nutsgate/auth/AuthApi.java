package io.nutsgate.auth;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.protocol.Deployments;
import io.nutsgate.protocol.Platform;
import io.nutsgate.settings.NutsProperties;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Checks Sign-In with Ethereum proofs (EIP-4361): domain, URI, a chain we serve ({@code NUTS_SIWE_CHAIN_IDS}),
 * issued/expiry/not-before times, the signature, and finally the single-use nonce, used up only when everything
 * else succeeded. The signature is checked in this order: secp256k1 recovery with web3j (low-s only, EIP-2), the
 * externally owned account; an ERC-6492-wrapped signature (a smart wallet not deployed yet); ERC-1271 when the
 * address holds a contract. The contract checks are {@code eth_call}s to {@code BASE_RPC_URL} (see
 * {@link ContractWalletSignatures}); without it a contract wallet's signature is {@code CHAIN_UNAVAILABLE}.
 */
@Component
public class AuthApi {

    /** EIP-2: of the two signatures (r, s) and (r, n - s) of one message, only the one with s <= n/2 is valid. */
    static final BigInteger HALF_CURVE_ORDER = Sign.CURVE_PARAMS.getN().shiftRight(1);

    private final NutsProperties.Auth settings;
    private final NonceStore nonces;
    private final Clock clock;
    private final Environment environment;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final ContractWalletSignatures contractWallets;
    private final long walletChainId;

    AuthApi(
            NutsProperties properties,
            Platform platform,
            ContractWalletSignatures contractWallets,
            NonceStore nonces,
            Clock clock,
            Environment environment,
            ApplicationEventPublisher events,
            TransactionTemplate transactions) {
        this.transactions = transactions;
        this.contractWallets = contractWallets;
        this.walletChainId = platform.deployment().chainId();
        this.settings = properties.auth();
        this.nonces = nonces;
        this.clock = clock;
        this.environment = environment;
        this.events = events;
    }

    /**
     * Checks the proof, then runs {@code change} with the signer's address (lower case) and uses the nonce up in one
     * transaction, and only then announces the wallet with a {@link WalletSignedInEvent}. A failed check, a
     * {@code change} that throws, or a nonce used meanwhile rolls everything back: the nonce stays usable and no
     * event fires. Every failed check is an {@link ApiException} with its own {@code SIWE_*} code (401; 400 for a
     * message that does not parse).
     */
    public <T> T redeemProof(String message, String signature, Function<String, T> change) {
        Proven proof = checkProof(message, signature);
        T result = transactions.execute(status -> {
            T changed = change.apply(proof.signer());
            if (!nonces.consume(proof.nonce(), clock.instant())) {
                throw nonceInvalid();
            }
            return changed;
        });
        events.publishEvent(new WalletSignedInEvent(proof.signer()));
        return result;
    }

    /**
     * Every check but using the nonce up: the message's audience and times, the signature (low-s, EIP-2) and that
     * the nonce was issued here and is still unused.
     */
    Proven checkProof(String message, String signature) {
        SiweMessage siwe = SiweMessage.parse(message);
        Instant now = clock.instant();
        checkAudience(siwe);
        checkTimes(siwe, now);
        String signer = siwe.addressLowerCase();
        checkSignature(siwe, message, Numeric.hexStringToByteArray(signature));
        if (!nonces.isLive(siwe.nonce(), now)) {
            throw nonceInvalid();
        }
        return new Proven(signer, siwe.nonce());
    }

    /** A proof that passed every check; its nonce is not used up yet. {@code signer} in lower case. */
    record Proven(String signer, String nonce) {}

    private static ApiException nonceInvalid() {
        return new ApiException(
                ErrorCode.SIWE_NONCE_INVALID,
                "message Nonce is unknown, already used or expired; get a new one from GET /auth/nonce");
    }

    /** The domain a message must name: {@code SIWE_DOMAIN}, or {@code localhost:<port>}. */
    public String domain() {
        return settings.siweDomain() == null || settings.siweDomain().isBlank()
                ? "localhost:" + port()
                : settings.siweDomain();
    }

    /** The URI a message must name: {@code SIWE_URI}, or {@code http://localhost:<port>}. */
    public String uri() {
        return settings.siweUri() == null || settings.siweUri().isBlank()
                ? "http://localhost:" + port()
                : settings.siweUri();
    }

    private String port() {
        String local = environment.getProperty("local.server.port");
        return local != null ? local : environment.getProperty("server.port", "8080");
    }

    private void checkAudience(SiweMessage siwe) {
        if (!siwe.domain().equalsIgnoreCase(domain())) {
            throw new ApiException(
                    ErrorCode.SIWE_DOMAIN_MISMATCH,
                    "message is for " + siwe.domain() + ", this service signs in for " + domain());
        }
        if (siwe.scheme() != null
                && !uri().toLowerCase(Locale.ROOT).startsWith(siwe.scheme().toLowerCase(Locale.ROOT) + "://")) {
            throw new ApiException(
                    ErrorCode.SIWE_DOMAIN_MISMATCH, "message scheme " + siwe.scheme() + " does not match " + uri());
        }
        if (!trimSlash(siwe.uri()).equals(trimSlash(uri()))) {
            throw new ApiException(ErrorCode.SIWE_URI_MISMATCH, "message URI is " + siwe.uri() + ", expected " + uri());
        }
        if (!settings.siweChainIds().contains(siwe.chainId())) {
            throw new ApiException(
                    ErrorCode.SIWE_CHAIN_MISMATCH,
                    "message is for chain " + siwe.chainId() + ", sign in on " + chainNames());
        }
    }

    /** The chain a nonce's message should name: the first of {@code NUTS_SIWE_CHAIN_IDS}. */
    long chainId() {
        return settings.siweChainIds().getFirst();
    }

    private String chainNames() {
        return settings.siweChainIds().stream()
                .map(id -> id == Deployments.BASE_CHAIN_ID ? "Base (" + id + ")" : "chain " + id)
                .collect(java.util.stream.Collectors.joining(" or "));
    }

    private void checkTimes(SiweMessage siwe, Instant now) {
        Instant latestStart = now.plus(settings.clockSkew());
        if (siwe.expirationTime() != null && !siwe.expirationTime().isAfter(now)) {
            throw new ApiException(ErrorCode.SIWE_EXPIRED, "message expired at " + siwe.expirationTime());
        }
        if (siwe.issuedAt().isAfter(latestStart)) {
            throw new ApiException(ErrorCode.SIWE_NOT_YET_VALID, "message is issued in the future: " + siwe.issuedAt());
        }
        if (siwe.notBefore() != null && siwe.notBefore().isAfter(latestStart)) {
            throw new ApiException(ErrorCode.SIWE_NOT_YET_VALID, "message is not valid before " + siwe.notBefore());
        }
        Instant oldest = now.minus(settings.nonceTtl()).minus(settings.clockSkew());
        if (siwe.issuedAt().isBefore(oldest)) {
            throw new ApiException(
                    ErrorCode.SIWE_EXPIRED,
                    "message was issued at " + siwe.issuedAt() + ", longer ago than a nonce lives");
        }
    }

    /**
     * The signature must be the message's address's: recovered with secp256k1, or, failing that, accepted by its
     * contract (ERC-6492 wrapped, or ERC-1271 when deployed). Contract wallets are checked on the chain
     * {@code BASE_RPC_URL} serves, so a message for another chain must be signed by an externally owned account.
     */
    private void checkSignature(SiweMessage siwe, String message, byte[] signature) {
        String address = siwe.addressLowerCase();
        ApiException ecdsaRefusal;
        try {
            if (recoverSigner(message, signature).equals(address)) {
                return;
            }
            ecdsaRefusal =
                    new ApiException(ErrorCode.SIWE_SIGNATURE_INVALID, "signature: not made by " + siwe.address());
        } catch (ApiException e) {
            ecdsaRefusal = e;
        }
        boolean erc6492 = ContractWalletSignatures.isErc6492(signature);
        Boolean contract = null;
        if (!erc6492 && signature.length == 65) {
            // the shape of an account key's signature: without a node, say what is wrong with it as one
            if (!contractWallets.canCheck()) {
                throw new ApiException(
                        ErrorCode.SIWE_SIGNATURE_INVALID,
                        ecdsaRefusal.getMessage() + " (contract wallets are not checked: BASE_RPC_URL is not set)");
            }
            contract = contractWallets.isContract(address);
            if (!contract) {
                throw ecdsaRefusal;
            }
        }
        if (siwe.chainId() != walletChainId) {
            throw new ApiException(
                    ErrorCode.SIWE_SIGNATURE_INVALID,
                    "signature: not made by " + siwe.address() + "'s key, and contract wallets are checked on chain "
                            + walletChainId + " only, not " + siwe.chainId());
        }
        byte[] hash = Sign.getEthereumMessageHash(message.getBytes(StandardCharsets.UTF_8));
        if (erc6492) {
            if (!contractWallets.isValidErc6492(address, hash, signature)) {
                throw new ApiException(
                        ErrorCode.SIWE_SIGNATURE_INVALID,
                        "signature: the ERC-6492 validator refused it for " + siwe.address()
                                + " (wrong owner, wrong wallet or a factory call that fails)");
            }
            return;
        }
        if (!(contract != null ? contract : contractWallets.isContract(address))) {
            throw new ApiException(
                    ErrorCode.SIWE_SIGNATURE_INVALID,
                    "signature: not made by " + siwe.address() + " (not a 65-byte signature of its key, and no"
                            + " contract wallet is deployed there; an undeployed smart wallet signs ERC-6492"
                            + " wrapped)");
        }
        if (!contractWallets.isValidErc1271(address, hash, signature)) {
            throw new ApiException(
                    ErrorCode.SIWE_SIGNATURE_INVALID,
                    "signature: the contract wallet " + siwe.address() + " did not accept it (ERC-1271"
                            + " isValidSignature)");
        }
    }

    /** {@link #recoverSigner(String, byte[])} of a 0x-prefixed hex signature. */
    static String recoverSigner(String message, String signature) {
        return recoverSigner(message, Numeric.hexStringToByteArray(signature));
    }

    /** The address whose key made {@code signature} over the EIP-191 prefixed {@code message}, lower case. */
    static String recoverSigner(String message, byte[] bytes) {
        if (bytes.length != 65) {
            throw new ApiException(ErrorCode.SIWE_SIGNATURE_INVALID, "signature must be 65 bytes");
        }
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(bytes, 32, 64));
        if (s.compareTo(HALF_CURVE_ORDER) > 0) {
            throw new ApiException(
                    ErrorCode.SIWE_SIGNATURE_INVALID,
                    "signature has a high s value (s > secp256k1n/2), which EIP-2 forbids; sign again with a"
                            + " wallet that makes canonical signatures");
        }
        byte v = bytes[64];
        if (v == 0 || v == 1) {
            v += 27;
        }
        if (v != 27 && v != 28) {
            throw new ApiException(ErrorCode.SIWE_SIGNATURE_INVALID, "signature v (last byte) must be 27, 28, 0 or 1");
        }
        Sign.SignatureData data =
                new Sign.SignatureData(v, Arrays.copyOfRange(bytes, 0, 32), Arrays.copyOfRange(bytes, 32, 64));
        try {
            BigInteger key = Sign.signedPrefixedMessageToKey(message.getBytes(StandardCharsets.UTF_8), data);
            return "0x" + Keys.getAddress(key).toLowerCase(Locale.ROOT);
        } catch (SignatureException | RuntimeException e) {
            throw new ApiException(ErrorCode.SIWE_SIGNATURE_INVALID, "signature: no address can be recovered from it");
        }
    }

    private static String trimSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
