package io.nutsgate.auth;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** An EIP-4361 message and the wallet's {@code personal_sign} signature of it. */
public record SiweRequest(
        @Schema(
                        description = "The EIP-4361 message exactly as signed, lines separated by \\n",
                        example = "localhost:8080 wants you to sign in with your Ethereum account:\n"
                                + "0x5a0B54D5dc17e0AadC383d2db43B0a0D3E029c4c\n\nSign in to Alphabit\n\n"
                                + "URI: http://localhost:8080\nVersion: 1\nChain ID: 8453\n"
                                + "Nonce: 8rJ2tKq0eXw1bY4nVz6mPa3cLd5sGh7f\nIssued At: 2026-06-03T10:00:00Z")
                @NotBlank
                @Size(max = SiweMessage.MAX_LENGTH)
                String message,
        @Schema(
                        description = "0x-prefixed hex: an account key's 65-byte secp256k1 signature (v = 27/28 or"
                                + " 0/1), a deployed smart wallet's ERC-1271 signature, or an undeployed one's"
                                + " ERC-6492-wrapped signature; at most " + MAX_SIGNATURE_BYTES + " bytes")
                @NotNull
                @Size(max = 2 + 2 * MAX_SIGNATURE_BYTES, message = "must be at most " + MAX_SIGNATURE_BYTES + " bytes")
                @Pattern(regexp = "^0x(?:[0-9a-fA-F]{2})+$", message = "must be 0x-prefixed hex of whole bytes")
                String signature) {

    /** Room for a passkey (WebAuthn) signature wrapped with its factory call: a few kB. */
    static final int MAX_SIGNATURE_BYTES = 8192;
}
