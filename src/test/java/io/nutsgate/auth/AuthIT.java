package io.nutsgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.PersistenceTest;
import io.nutsgate.support.Vectors;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import tools.jackson.databind.JsonNode;

class AuthIT extends PersistenceTest {

    private final ECKeyPair alice = key(1);
    private final ECKeyPair mallory = key(2);

    @Test
    void shouldIssueASessionForAValidSignatureAndAcceptItAsBearer() {
        HttpResponse<String> nonce = get("/auth/nonce");
        assertThat(nonce.statusCode()).isEqualTo(200);
        assertThat(body(nonce).get("data").get("domain").asString()).isEqualTo(SIWE_DOMAIN);
        assertThat(body(nonce).get("data").get("chainId").asLong()).isEqualTo(8453);

        String message = message(alice, body(nonce).get("data").get("nonce").asString());
        HttpResponse<String> verified = post("/auth/verify", proof(message, sign(message, alice)));

        assertThat(verified.statusCode()).isEqualTo(200);
        String token = body(verified).get("data").get("token").asString();
        assertThat(token).startsWith("ngs_");
        io.nutsgate.support.Eip55.assertChecksummed(
                body(verified).get("data").get("address").asString(), address(alice));
        // Only the hash is stored.
        assertThat(jdbc.sql("SELECT count(*) FROM sessions WHERE encode(token_hash, 'escape') = :t")
                        .param("t", token)
                        .query(Long.class)
                        .single())
                .isZero();
        // The session works as a bearer token (a profile request reaches validation, not 401).
        HttpResponse<String> authorised = put("/users/me", "{}", "Authorization", "Bearer " + token);
        assertThat(authorised.statusCode()).isEqualTo(400);
    }

    @Test
    void shouldRejectAReplayedNonce() {
        String message = message(alice, nonce());
        String signature = sign(message, alice);
        assertThat(post("/auth/verify", proof(message, signature)).statusCode()).isEqualTo(200);

        HttpResponse<String> replay = post("/auth/verify", proof(message, signature));

        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(errorCode(replay)).isEqualTo("SIWE_NONCE_INVALID");
    }

    @Test
    void shouldRejectANonceThisServiceNeverIssued() {
        String message = message(alice, "NeverIssuedNonce1234");

        HttpResponse<String> response = post("/auth/verify", proof(message, sign(message, alice)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("SIWE_NONCE_INVALID");
    }

    @Test
    void shouldRejectANonceOlderThanTenMinutes() {
        String nonce = nonce();
        clock.advance(Duration.ofMinutes(11));
        String message = message(alice, nonce);

        HttpResponse<String> response = post("/auth/verify", proof(message, sign(message, alice)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("SIWE_NONCE_INVALID");
    }

    @Test
    void shouldRejectAWrongDomain() {
        Instant now = clock.instant();
        String message = message("evil.example", address(alice), SIWE_URI, 8453, nonce(), now, now.plusSeconds(60));

        HttpResponse<String> response = post("/auth/verify", proof(message, sign(message, alice)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("SIWE_DOMAIN_MISMATCH");
    }

    @Test
    void shouldRejectAWrongUriAndAWrongChain() {
        Instant now = clock.instant();
        String wrongUri = message(SIWE_DOMAIN, address(alice), "https://evil.example", 8453, nonce(), now, null);
        String wrongChain = message(SIWE_DOMAIN, address(alice), SIWE_URI, 1, nonce(), now, null);

        HttpResponse<String> uri = post("/auth/verify", proof(wrongUri, sign(wrongUri, alice)));
        HttpResponse<String> chain = post("/auth/verify", proof(wrongChain, sign(wrongChain, alice)));

        assertThat(uri.statusCode()).isEqualTo(401);
        assertThat(errorCode(uri)).isEqualTo("SIWE_URI_MISMATCH");
        assertThat(chain.statusCode()).isEqualTo(401);
        assertThat(errorCode(chain)).isEqualTo("SIWE_CHAIN_MISMATCH");
    }

    @Test
    void shouldRejectAnExpiredMessage() {
        Instant now = clock.instant();
        String message = message(
                SIWE_DOMAIN, address(alice), SIWE_URI, 8453, nonce(), now.minusSeconds(120), now.minusSeconds(1));

        HttpResponse<String> response = post("/auth/verify", proof(message, sign(message, alice)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("SIWE_EXPIRED");
    }

    @Test
    void shouldRejectAMessageIssuedInTheFuture() {
        Instant later = clock.instant().plus(Duration.ofHours(1));
        String message = message(SIWE_DOMAIN, address(alice), SIWE_URI, 8453, nonce(), later, later.plusSeconds(60));

        HttpResponse<String> response = post("/auth/verify", proof(message, sign(message, alice)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("SIWE_NOT_YET_VALID");
    }

    @Test
    void shouldRejectASignatureByAnotherKeyAndSayContractWalletsAreNotCheckedWithoutAnRpcNode() {
        String message = message(alice, nonce());

        HttpResponse<String> response = post("/auth/verify", proof(message, sign(message, mallory)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("SIWE_SIGNATURE_INVALID");
        assertThat(body(response).get("error").get("message").asString()).contains("BASE_RPC_URL is not set");
    }

    @Test
    void shouldAnswer503ForAContractWalletSignatureWithoutAnRpcNodeAndKeepTheNonce() {
        String message = message(alice, nonce());
        // A Base Account's shapes: an ERC-6492 wrapper naming the Coinbase Smart Wallet factory, and a longer
        // ERC-1271 signature (abi-encoded SignatureWrapper).
        String wrapped = org.web3j.abi.FunctionEncoder.encodeConstructor(List.of(
                        new org.web3j.abi.datatypes.Address("0xBA5ED110eFDBa3D005bfC882d75358ACBbB85842"),
                        new org.web3j.abi.datatypes.DynamicBytes(new byte[] {1, 2, 3}),
                        new org.web3j.abi.datatypes.DynamicBytes(new byte[65])))
                + "6492".repeat(16);
        String erc1271 = "0x" + "00".repeat(160);

        for (String signature : List.of("0x" + wrapped, erc1271)) {
            HttpResponse<String> response = post("/auth/verify", proof(message, signature));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(errorCode(response)).isEqualTo("CHAIN_UNAVAILABLE");
        }
        assertThat(post("/auth/verify", proof(message, sign(message, alice))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldKeepTheNonceUsableAfterARejectedSignature() {
        String message = message(alice, nonce());
        post("/auth/verify", proof(message, sign(message, mallory)));

        HttpResponse<String> response = post("/auth/verify", proof(message, sign(message, alice)));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRejectATamperedMessage() {
        String message = message(alice, nonce());
        String signature = sign(message, alice);
        String tampered = message.replace("Sign in to Alphabit", "Sign in to Alphabit!");

        HttpResponse<String> response = post("/auth/verify", proof(tampered, signature));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("SIWE_SIGNATURE_INVALID");
    }

    @Test
    void shouldAnswer400ForAMalformedMessageOrSignature() {
        HttpResponse<String> notSiwe = post("/auth/verify", proof("hello", "0x" + "ab".repeat(65)));
        HttpResponse<String> badSignature = post("/auth/verify", proof(message(alice, nonce()), "0x123"));
        HttpResponse<String> noBody = post("/auth/verify", "");

        assertThat(notSiwe.statusCode()).isEqualTo(400);
        assertThat(errorCode(notSiwe)).isEqualTo("SIWE_MALFORMED");
        assertThat(badSignature.statusCode()).isEqualTo(400);
        assertThat(errorCode(badSignature)).isEqualTo("INVALID_BODY");
        assertThat(noBody.statusCode()).isEqualTo(400);
    }

    @Test
    void shouldAnswer401WithoutOrWithAnExpiredSession() {
        String authorization = signIn(alice);

        HttpResponse<String> none = put("/users/me", "{}");
        HttpResponse<String> garbage = put("/users/me", "{}", "Authorization", "Bearer ngs_nope");
        clock.advance(Duration.ofHours(25));
        HttpResponse<String> expired = put("/users/me", "{}", "Authorization", authorization);

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(errorCode(none)).isEqualTo("UNAUTHORIZED");
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(expired.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldEndTheSessionOnSignOut() {
        String authorization = signIn(alice);

        HttpResponse<String> signOut = send(java.net.http.HttpRequest.newBuilder(uri("/auth/session"))
                .header("Authorization", authorization)
                .DELETE()
                .build());
        HttpResponse<String> after = put("/users/me", "{}", "Authorization", authorization);

        assertThat(signOut.statusCode()).isEqualTo(200);
        assertThat(after.statusCode()).isEqualTo(401);
    }

    // ---- messages signed by another implementation (ethers 6, vectors/siwe.json) ----

    /** Issues the vector's nonce as GET /auth/nonce would have, at the pinned clock the vectors were signed for. */
    private void issue(String nonce) {
        jdbc.sql("INSERT INTO siwe_nonces (nonce, created_at, expires_at) VALUES (:nonce, :now, :expires)")
                .param("nonce", nonce)
                .param("now", clock.instant().atOffset(ZoneOffset.UTC))
                .param("expires", clock.instant().plusSeconds(600).atOffset(ZoneOffset.UTC))
                .update();
    }

    @Test
    void shouldSignInWithMessagesSignedByEthers() {
        for (JsonNode v : Vectors.load("siwe.json").get("vectors")) {
            issue(v.get("nonce").asString());

            HttpResponse<String> response = post(
                    "/auth/verify",
                    proof(v.get("message").asString(), v.get("signature").asString()));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            // answered EIP-55 checksummed: exactly as ethers writes the address in the vectors
            assertThat(body(response).get("data").get("address").asString())
                    .isEqualTo(v.get("address").asString());
        }
    }

    @Test
    void shouldRefuseAHighSSignatureAndKeepTheNonceForTheCanonicalOne() {
        JsonNode v = Vectors.load("siwe.json").get("vectors").get(1);
        issue(v.get("nonce").asString());
        String message = v.get("message").asString();

        HttpResponse<String> highS =
                post("/auth/verify", proof(message, v.get("signatureHighS").asString()));
        HttpResponse<String> lowS =
                post("/auth/verify", proof(message, v.get("signature").asString()));

        assertThat(highS.statusCode()).isEqualTo(401);
        assertThat(errorCode(highS)).isEqualTo("SIWE_SIGNATURE_INVALID");
        assertThat(body(highS).get("error").get("message").asString()).contains("signature", "EIP-2");
        assertThat(lowS.statusCode()).isEqualTo(200);
    }
}
