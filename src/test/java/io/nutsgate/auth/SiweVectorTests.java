package io.nutsgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.support.Vectors;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * SIWE messages signed with ethers' {@code Wallet.signMessage} (EIP-191 personal_sign), recorded in
 * {@code vectors/siwe.json} by {@code src/test/vectors/make-vectors.mjs}: signer recovery is checked against
 * ethers' own {@code verifyMessage}, not against web3j signing.
 */
class SiweVectorTests {

    private static final JsonNode SIWE = Vectors.load("siwe.json");

    private static List<JsonNode> vectors() {
        List<JsonNode> all = new ArrayList<>();
        SIWE.get("vectors").forEach(all::add);
        assertThat(all).hasSizeGreaterThanOrEqualTo(6);
        return all;
    }

    @Test
    void shouldRecoverTheAddressEthersSignedWith() {
        for (JsonNode v : vectors()) {
            String expected = v.get("address").asString().toLowerCase(Locale.ROOT);
            assertThat(v.get("recovered").asString()).isEqualToIgnoringCase(expected);

            assertThat(AuthApi.recoverSigner(
                            v.get("message").asString(), v.get("signature").asString()))
                    .as(v.get("nonce").asString())
                    .isEqualTo(expected);
            assertThat(AuthApi.recoverSigner(
                            v.get("message").asString(), v.get("signatureV01").asString()))
                    .as("v as 0/1: " + v.get("nonce").asString())
                    .isEqualTo(expected);
        }
    }

    @Test
    void shouldRecoverAWellKnownDevAccount() {
        // Hardhat/Anvil account #0: its address is published with its key, independent of both libraries.
        JsonNode anvil = vectors().getFirst();

        assertThat(AuthApi.recoverSigner(
                        anvil.get("message").asString(), anvil.get("signature").asString()))
                .isEqualTo("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    }

    @Test
    void shouldSignTheUtf8BytesOfNonAsciiStatements() {
        JsonNode unicode = vectors().stream()
                .filter(v -> v.get("message").asString().contains("✨"))
                .findFirst()
                .orElseThrow();
        String message = unicode.get("message").asString();
        assertThat(message.getBytes(StandardCharsets.UTF_8).length)
                .isEqualTo(unicode.get("messageUtf8Bytes").asInt())
                .isGreaterThan(message.length());

        assertThat(AuthApi.recoverSigner(message, unicode.get("signature").asString()))
                .isEqualToIgnoringCase(unicode.get("address").asString());
    }

    @Test
    void shouldRefuseTheHighSTwinOfEverySignature() {
        BigInteger halfOrder = new BigInteger(SIWE.get("halfOrder").asString().substring(2), 16);
        assertThat(AuthApi.HALF_CURVE_ORDER).isEqualTo(halfOrder);
        for (JsonNode v : vectors()) {
            String highS = v.get("signatureHighS").asString();
            BigInteger s = new BigInteger(highS.substring(2 + 64, 2 + 128), 16);
            assertThat(s).isGreaterThan(halfOrder);
            assertThat(v.get("ethersOnHighS").asString()).startsWith("rejected: non-canonical s");

            assertThatThrownBy(() -> AuthApi.recoverSigner(v.get("message").asString(), highS))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.SIWE_SIGNATURE_INVALID);
                        assertThat(e.getMessage()).contains("EIP-2");
                    });
        }
    }

    @Test
    void shouldParseTheFieldsEthersSigned() {
        for (JsonNode v : vectors()) {
            SiweMessage m = SiweMessage.parse(v.get("message").asString());

            assertThat(m.domain()).isEqualTo(SIWE.get("domain").asString());
            assertThat(m.uri()).isEqualTo(SIWE.get("uri").asString());
            assertThat(m.chainId()).isEqualTo(SIWE.get("chainId").asLong());
            assertThat(m.address()).isEqualTo(v.get("address").asString());
            assertThat(m.nonce()).isEqualTo(v.get("nonce").asString());
            assertThat(m.issuedAt()).isEqualTo(Instant.parse(v.get("issuedAt").asString()));
            assertThat(m.expirationTime())
                    .isEqualTo(Instant.parse(v.get("expirationTime").asString()));
        }
    }
}
