package io.nutsgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SiweMessageTests {

    static final String FULL =
            """
            https://app.example wants you to sign in with your Ethereum account:
            0x5A0b54D5dc17e0AadC383d2db43B0a0D3E029c4c

            I accept the Terms of Service: https://app.example/tos

            URI: https://app.example/login
            Version: 1
            Chain ID: 8453
            Nonce: 32891756abc
            Issued At: 2026-06-03T10:00:00.000Z
            Expiration Time: 2026-06-03T10:05:00Z
            Not Before: 2026-06-03T09:59:00+00:00
            Request ID: some-id
            Resources:
            - ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
            - https://example.com/my-web2-claim.json""";

    static String withoutStatement(String blankLines) {
        return "app.example wants you to sign in with your Ethereum account:\n"
                + "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c\n" + blankLines
                + "URI: https://app.example\nVersion: 1\nChain ID: 8453\nNonce: abcdefgh12\n"
                + "Issued At: 2026-06-03T10:00:00Z";
    }

    @Test
    void shouldParseEveryFieldOfTheSpecExample() {
        SiweMessage m = SiweMessage.parse(FULL);

        assertThat(m.scheme()).isEqualTo("https");
        assertThat(m.domain()).isEqualTo("app.example");
        assertThat(m.addressLowerCase()).isEqualTo("0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c");
        assertThat(m.statement()).isEqualTo("I accept the Terms of Service: https://app.example/tos");
        assertThat(m.uri()).isEqualTo("https://app.example/login");
        assertThat(m.chainId()).isEqualTo(8453);
        assertThat(m.nonce()).isEqualTo("32891756abc");
        assertThat(m.issuedAt()).isEqualTo(Instant.parse("2026-06-03T10:00:00Z"));
        assertThat(m.expirationTime()).isEqualTo(Instant.parse("2026-06-03T10:05:00Z"));
        assertThat(m.notBefore()).isEqualTo(Instant.parse("2026-06-03T09:59:00Z"));
        assertThat(m.requestId()).isEqualTo("some-id");
        assertThat(m.resources()).hasSize(2);
    }

    @Test
    void shouldParseAMessageWithoutStatementInBothEncodings() {
        assertThat(SiweMessage.parse(withoutStatement("\n\n")).statement()).isNull();
        assertThat(SiweMessage.parse(withoutStatement("\n")).statement()).isNull();
        assertThat(SiweMessage.parse(withoutStatement("\n\n")).expirationTime()).isNull();
    }

    @Test
    void shouldRejectMalformedMessages() {
        String[] bad = {
            "",
            "hello",
            FULL.replace("Version: 1", "Version: 2"),
            FULL.replace("Chain ID: 8453", "Chain ID: base"),
            FULL.replace("Nonce: 32891756abc", "Nonce: short"),
            FULL.replace("2026-06-03T10:00:00.000Z", "yesterday"),
            FULL.replace("0x5A0b54D5dc17e0AadC383d2db43B0a0D3E029c4c", "0x5a0B54D5dc17e0AadC383d2db43B0a0D3E029c4c"),
            FULL.replace("\n", "\r\n"),
            FULL + "\nExtra: field",
            FULL.replace("URI: https://app.example/login\n", ""),
            "x".repeat(5000)
        };
        for (String message : bad) {
            assertThatThrownBy(() -> SiweMessage.parse(message))
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SIWE_MALFORMED));
        }
    }
}
