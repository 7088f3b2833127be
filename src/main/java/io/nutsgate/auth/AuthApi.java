package io.nutsgate.auth;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.protocol.Deployments;
import io.nutsgate.system.NutsProperties;
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
 * Checks Sign-In with Ethereum proofs (EIP-4361): domain, URI, chain 8453, issued/expiry/not-before times, the
 * secp256k1 signature recovered with web3j (low-s only, EIP-2), and finally the single-use nonce, used up only
 * when everything else succeeded. Only externally owned accounts are supported: a smart-contract wallet (EIP-1271) signature does not recover to the wallet's address and is refused
 * with {@code SIWE_SIGNATURE_INVALID}.
 */
@Component
public class AuthApi {

    /** EIP-2: of the two signatures (r, s) and (r, n - s) of one message, only the one with s <= n/2 is valid. */
    static final BigInteger HALF_CURVE_ORDER = Sign.CURVE_PARAMS.getN().shiftRight(1);

    static final String EIP_1271_NOTE =
            "smart-contract wallets (EIP-1271) are not supported yet: sign with an" + " externally owned account";

    private final NutsProperties.Auth settings;
    private final NonceStore nonces;
    private final Clock clock;
    private final Environment environment;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;

    AuthApi(
            NutsProperties properties,
            NonceStore nonces,
            Clock clock,
            Environment environment,
            ApplicationEventPublisher events,
            TransactionTemplate transactions) {
        this.transactions = transactions;
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
        String signer = recoverSigner(message, signature);
        if (!signer.equals(siwe.addressLowerCase())) {
            throw new ApiException(
                    ErrorCode.SIWE_SIGNATURE_INVALID,
                    "signature: not made by " + siwe.address() + "; " + EIP_1271_NOTE);
        }
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
        if (siwe.chainId() != Deployments.BASE_CHAIN_ID) {
            throw new ApiException(
                    ErrorCode.SIWE_CHAIN_MISMATCH,
                    "message is for chain " + siwe.chainId() + ", sign in on Base (" + Deployments.BASE_CHAIN_ID + ")");
        }
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

    /** The address whose key made {@code signature} over the EIP-191 prefixed {@code message}, lower case. */
    static String recoverSigner(String message, String signature) {
        byte[] bytes = Numeric.hexStringToByteArray(signature);
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
            throw new ApiException(
                    ErrorCode.SIWE_SIGNATURE_INVALID,
                    "signature: no address can be recovered from it; " + EIP_1271_NOTE);
        }
    }

    private static String trimSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
