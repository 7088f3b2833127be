package io.nutsgate.auth;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.settings.NutsProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.utils.Numeric;

/**
 * Signatures of smart-contract wallets, checked on chain by {@code eth_call} only (never a transaction):
 *
 * <ul>
 *   <li>ERC-1271, a deployed wallet: {@code isValidSignature(hash, signature)} must return the magic value
 *       {@code 0x1626ba7e};
 *   <li>ERC-6492, a wallet not deployed yet (a Base Account before its first transaction): the signature is
 *       {@code abi.encode(factory, factoryCalldata, innerSignature)} followed by 32 bytes of {@code 0x6492…}. It is
 *       checked deployless, as the ERC describes and viem's {@code verifyHash} does: one {@code eth_call} without
 *       {@code to} whose data is the universal validator's creation code followed by
 *       {@code abi.encode(signer, hash, signature)}; the constructor deploys the wallet inside the call, asks it and
 *       returns one byte, {@code 0x01} for valid. The factory must be one {@code NUTS_SIWE_6492_FACTORIES} allows.
 * </ul>
 *
 * A revert, an error, or any answer other than the expected one means "invalid". The validator's creation code is
 * viem's {@code erc6492SignatureValidatorByteCode} (npm {@code viem} 2.58.8, {@code src/constants/contracts.ts};
 * MIT), kept in {@code erc6492/validator-creation-code.hex}.
 */
@Component
class ContractWalletSignatures {

    /** {@code bytes4(keccak256("isValidSignature(bytes32,bytes)"))}, returned by a wallet for a valid signature. */
    static final String ERC1271_MAGIC = "1626ba7e";

    /** The last 32 bytes of an ERC-6492 signature. */
    static final byte[] ERC6492_SUFFIX = Numeric.hexStringToByteArray("6492".repeat(16));

    private static final String VALIDATOR_RESOURCE = "/erc6492/validator-creation-code.hex";

    private final WalletContracts contracts;
    private final Set<String> factories;
    private final boolean anyFactory;
    private final String validatorCode;

    ContractWalletSignatures(WalletContracts contracts, NutsProperties properties) {
        this.contracts = contracts;
        List<String> allowed = properties.auth().siwe6492Factories();
        this.anyFactory = allowed.contains("*");
        this.factories = allowed.stream().map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.validatorCode = validatorCode();
    }

    static boolean isErc6492(byte[] signature) {
        return signature.length >= ERC6492_SUFFIX.length
                && Arrays.equals(
                        signature,
                        signature.length - ERC6492_SUFFIX.length,
                        signature.length,
                        ERC6492_SUFFIX,
                        0,
                        ERC6492_SUFFIX.length);
    }

    /** Whether contracts can be asked at all ({@code BASE_RPC_URL} is set). */
    boolean canCheck() {
        return contracts.available();
    }

    /** Whether a contract is deployed at {@code address}; {@code CHAIN_UNAVAILABLE} when that cannot be known. */
    boolean isContract(String address) {
        return contracts.hasCode(address);
    }

    /** ERC-1271: true only when the wallet at {@code address} answers exactly the magic value. */
    boolean isValidErc1271(String address, byte[] hash, byte[] signature) {
        Function isValidSignature =
                new Function("isValidSignature", List.of(new Bytes32(hash), new DynamicBytes(signature)), List.of());
        Optional<String> answer = contracts.call(address, FunctionEncoder.encode(isValidSignature));
        return answer.map(Numeric::cleanHexPrefix)
                .map(a -> a.toLowerCase(Locale.ROOT).equals(ERC1271_MAGIC + "0".repeat(56)))
                .orElse(false);
    }

    /**
     * ERC-6492, deployless: the wrapper must decode and name an allowed factory (else {@code SIWE_SIGNATURE_INVALID}
     * saying so), then the validator must answer 1.
     */
    boolean isValidErc6492(String address, byte[] hash, byte[] signature) {
        String factory = factoryOf(signature);
        if (!anyFactory && !factories.contains(factory)) {
            throw new ApiException(
                    ErrorCode.SIWE_SIGNATURE_INVALID,
                    "signature: the ERC-6492 wrapper names the factory " + factory
                            + ", which this service does not accept (NUTS_SIWE_6492_FACTORIES)");
        }
        String arguments = FunctionEncoder.encodeConstructor(
                List.of(new Address(address), new Bytes32(hash), new DynamicBytes(signature)));
        Optional<String> answer = contracts.call(null, validatorCode + arguments);
        return answer.map(Numeric::cleanHexPrefix)
                .filter(a -> !a.isEmpty() && a.length() <= 64)
                .map(a -> new BigInteger(a, 16).equals(BigInteger.ONE))
                .orElse(false);
    }

    /** The factory an ERC-6492 signature names, lower case; a wrapper that does not decode is refused. */
    @SuppressWarnings("rawtypes")
    static String factoryOf(byte[] signature) {
        byte[] wrapper = Arrays.copyOf(signature, signature.length - ERC6492_SUFFIX.length);
        List<Type> decoded;
        try {
            decoded = FunctionReturnDecoder.decode(
                    Numeric.toHexString(wrapper),
                    List.of(
                            (TypeReference) new TypeReference<Address>() {},
                            (TypeReference) new TypeReference<DynamicBytes>() {},
                            (TypeReference) new TypeReference<DynamicBytes>() {}));
        } catch (RuntimeException e) {
            decoded = List.of();
        }
        if (decoded.size() != 3 || !encodesExactly(wrapper, decoded)) {
            throw new ApiException(
                    ErrorCode.SIWE_SIGNATURE_INVALID,
                    "signature: ends with the ERC-6492 suffix, but the wrapper before it is not"
                            + " abi.encode(address factory, bytes factoryCalldata, bytes signature)");
        }
        return ((Address) decoded.get(0)).getValue().toLowerCase(Locale.ROOT);
    }

    /** A cut wrapper can still decode with web3j (it reads past the end as zeros): re-encode and compare. */
    @SuppressWarnings("rawtypes")
    private static boolean encodesExactly(byte[] wrapper, List<Type> decoded) {
        String again = FunctionEncoder.encodeConstructor(decoded);
        return again.equalsIgnoreCase(Numeric.toHexStringNoPrefix(wrapper));
    }

    private static String validatorCode() {
        try (InputStream in = ContractWalletSignatures.class.getResourceAsStream(VALIDATOR_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + VALIDATOR_RESOURCE);
            }
            String code = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (!code.matches("^0x[0-9a-f]+$")) {
                throw new IllegalStateException(VALIDATOR_RESOURCE + " is not hex");
            }
            return code;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
