package io.nutsgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.Devnet;
import io.nutsgate.support.PersistenceTest;
import io.nutsgate.support.SmartWallets;
import io.nutsgate.support.SmartWallets.Signed;
import java.net.http.HttpResponse;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.web3j.utils.Numeric;

/**
 * Sign-in with Coinbase Smart Wallets (the contracts of a Base Account, deployed on the devnet with the factory at
 * its Base address), signed as a Base Account signs (viem's {@code toCoinbaseSmartAccount}). viem's
 * {@code verifyMessage} is the oracle: every signature here is accepted by us exactly when viem accepts it, except
 * the one whose factory is not on the allow-list, which viem has no opinion on.
 */
class SmartWalletSignInIT extends PersistenceTest {

    static final String OWNER = "0x" + "11".repeat(32);
    static final String OTHER_OWNER = "0x" + "22".repeat(32);

    static Devnet devnet;
    static SmartWallets wallets;

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        devnet = Devnet.start();
        wallets = SmartWallets.install(devnet);
        devnet.serveFromChain(registry);
        registry.add("nuts.chain.indexer-enabled", () -> "false");
    }

    @AfterAll
    static void stopDevnet() {
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    void shouldSignInWithABaseAccountNotDeployedYetThroughErc6492WithoutDeployingIt() {
        Signed wallet = wallets.address(OWNER, 1);
        String message = message(wallet.address(), nonce());
        Signed signed = wallets.sign(OWNER, 1, message);
        assertThat(signed.deployed()).isFalse();
        assertThat(Numeric.cleanHexPrefix(signed.signature())).endsWith("6492".repeat(16));
        assertThat(wallets.viemAccepts(wallet.address(), message, signed.signature()))
                .isTrue();

        HttpResponse<String> response = post("/auth/verify", proof(message, signed.signature()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(body(response).path("data").path("address").asString()).isEqualTo(wallet.address());
        assertThat(wallets.hasCode(wallet.address()))
                .as("no transaction deployed it")
                .isFalse();
    }

    @Test
    void shouldSignInWithADeployedBaseAccountThroughErc1271() {
        Signed wallet = wallets.create(OWNER, 2);
        assertThat(wallet.deployed()).isTrue();
        String message = message(wallet.address(), nonce());
        Signed signed = wallets.sign(OWNER, 2, message);
        assertThat(Numeric.cleanHexPrefix(signed.signature())).doesNotEndWith("6492".repeat(16));
        assertThat(wallets.viemAccepts(wallet.address(), message, signed.signature()))
                .isTrue();

        HttpResponse<String> response = post("/auth/verify", proof(message, signed.signature()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String token = body(response).path("data").path("token").asString();
        assertThat(get("/users/me", "Authorization", "Bearer " + token).statusCode())
                .as("the session works")
                .isEqualTo(404);
    }

    @Test
    void shouldRefuseASignatureOfAnotherKeyForDeployedAndUndeployedWallets() {
        wallets.create(OWNER, 3);
        for (long salt : new long[] {3, 4}) {
            Signed wallet = wallets.address(OWNER, salt);
            String nonce = nonce();
            String message = message(wallet.address(), nonce);
            Signed forged = wallets.signAsAnotherKey(OWNER, salt, message, OTHER_OWNER);
            assertThat(wallets.viemAccepts(wallet.address(), message, forged.signature()))
                    .isFalse();

            HttpResponse<String> refused = post("/auth/verify", proof(message, forged.signature()));

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
            assertThat(errorCode(refused)).isEqualTo("SIWE_SIGNATURE_INVALID");
            // The nonce was not used up: the owner's own signature of the same message signs in.
            Signed own = wallets.sign(OWNER, salt, message);
            assertThat(post("/auth/verify", proof(message, own.signature())).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldRefuseAFactoryNotOnTheAllowList() {
        Signed wallet = wallets.address(OWNER, 5);
        String message = message(otherFactoryWallet(5), nonce());
        Signed signed = wallets.signWithFactory(OWNER, 5, message, wallets.otherFactory());
        assertThat(signed.address()).isNotEqualTo(wallet.address());
        assertThat(wallets.viemAccepts(signed.address(), message, signed.signature()))
                .as("a working factory, only not ours to trust")
                .isTrue();

        HttpResponse<String> refused = post("/auth/verify", proof(message, signed.signature()));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(errorCode(refused)).isEqualTo("SIWE_SIGNATURE_INVALID");
        assertThat(body(refused).path("error").path("message").asString())
                .contains(wallets.otherFactory().toLowerCase(Locale.ROOT))
                .contains("NUTS_SIWE_6492_FACTORIES");
    }

    @Test
    void shouldRefuseATruncatedWrapper() {
        Signed wallet = wallets.address(OWNER, 6);
        String message = message(wallet.address(), nonce());
        String full = Numeric.cleanHexPrefix(wallets.sign(OWNER, 6, message).signature());
        String suffix = "6492".repeat(16);
        // 32 bytes cut from the end of the wrapper, just before the magic suffix
        String cut = "0x" + full.substring(0, full.length() - suffix.length() - 64) + suffix;
        assertThat(wallets.viemAccepts(wallet.address(), message, cut)).isFalse();

        HttpResponse<String> refused = post("/auth/verify", proof(message, cut));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(errorCode(refused)).isEqualTo("SIWE_SIGNATURE_INVALID");
    }

    @Test
    void shouldRefuseWalletsWhoseIsValidSignatureRevertsOrNeverReturns() {
        for (String contract : new String[] {wallets.reverting(), wallets.looping()}) {
            String message = message(contract, nonce());
            String signature = sign(message, key(9));
            assertThat(wallets.viemAccepts(contract, message, signature)).isFalse();

            HttpResponse<String> refused = post("/auth/verify", proof(message, signature));

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
            assertThat(errorCode(refused)).isEqualTo("SIWE_SIGNATURE_INVALID");
        }
    }

    @Test
    void shouldStillSignInAnAccountKey() {
        String message = message(key(3), nonce());

        assertThat(post("/auth/verify", proof(message, sign(message, key(3)))).statusCode())
                .isEqualTo(200);
    }

    private String otherFactoryWallet(long salt) {
        return wallets.signWithFactory(OWNER, salt, "x", wallets.otherFactory()).address();
    }

    private String message(String address, String nonce) {
        return message(
                SIWE_DOMAIN,
                address,
                SIWE_URI,
                8453,
                nonce,
                clock.instant(),
                clock.instant().plusSeconds(300));
    }
}
