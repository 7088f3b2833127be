package io.nutsgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nutsgate.common.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.utils.Numeric;

/** The ERC-6492 wrapper read offline, and the validator's creation code checked against viem's. */
class ContractWalletSignaturesTests {

    static final String SUFFIX = "6492".repeat(16);
    static final String FACTORY = "0xba5ed110efdba3d005bfc882d75358acbbb85842";

    static byte[] wrapped(String factory, byte[] calldata, byte[] signature) {
        return Numeric.hexStringToByteArray(FunctionEncoder.encodeConstructor(
                        List.of(new Address(factory), new DynamicBytes(calldata), new DynamicBytes(signature)))
                + SUFFIX);
    }

    @Test
    void shouldRecogniseTheErc6492SuffixOnlyAtTheEnd() {
        assertThat(ContractWalletSignatures.isErc6492(wrapped(FACTORY, new byte[4], new byte[65])))
                .isTrue();
        assertThat(ContractWalletSignatures.isErc6492(Numeric.hexStringToByteArray(SUFFIX + "00")))
                .isFalse();
        assertThat(ContractWalletSignatures.isErc6492(new byte[65])).isFalse();
        assertThat(ContractWalletSignatures.isErc6492(Numeric.hexStringToByteArray(SUFFIX.substring(2))))
                .isFalse();
    }

    @Test
    void shouldReadTheFactoryOfAWrapper() {
        assertThat(ContractWalletSignatures.factoryOf(wrapped(FACTORY, new byte[] {1, 2, 3}, new byte[65])))
                .isEqualTo(FACTORY);
    }

    @Test
    void shouldRefuseAWrapperCutShortOrPaddedBeforeTheSuffix() {
        String full = Numeric.toHexStringNoPrefix(wrapped(FACTORY, new byte[36], new byte[65]));
        String body = full.substring(0, full.length() - SUFFIX.length());
        for (String broken : List.of(
                body.substring(0, body.length() - 64), // the last word cut
                body.substring(0, 128), // only the head
                body + "00".repeat(32), // a word too many
                "")) {
            assertThatThrownBy(() -> ContractWalletSignatures.factoryOf(Numeric.hexStringToByteArray(broken + SUFFIX)))
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("ERC-6492");
        }
    }

    /** The creation code we send is viem's {@code erc6492SignatureValidatorByteCode}, byte for byte. */
    @Test
    void shouldSendViemsValidatorCreationCode() throws IOException {
        Path viem = Path.of("dev/node_modules/viem/_cjs/constants/contracts.js");
        assumeTrue(Files.exists(viem), "dev/node_modules is installed by the devnet tests");
        Matcher constant = Pattern.compile("erc6492SignatureValidatorByteCode = '(0x[0-9a-f]+)'")
                .matcher(Files.readString(viem));
        assertThat(constant.find()).isTrue();
        try (InputStream in = getClass().getResourceAsStream("/erc6492/validator-creation-code.hex")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip())
                    .isEqualTo(constant.group(1));
        }
    }
}
