package io.nutsgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Coinbase Smart Wallets (Base Accounts) on a {@link Devnet}, through {@code dev/smart-wallet.js}: the real wallet
 * contracts (coinbase/smart-wallet, compiled with solc 0.8.23 from npm) with the factory at its Base addresses, and
 * viem (npm) both to sign as a Base Account does and as the oracle that says whether a signature is valid.
 */
public final class SmartWallets {

    private static final Path SCRIPT = Path.of("dev/smart-wallet.js").toAbsolutePath();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The first run compiles the wallet with solc-js (tens of seconds on a busy machine); later runs are cached. */
    private static final long TIMEOUT_SECONDS = 600;

    /** A wallet and, when signed, the signature of a message. */
    public record Signed(String address, boolean deployed, String signature) {}

    private final Devnet devnet;
    private final JsonNode installed;

    private SmartWallets(Devnet devnet, JsonNode installed) {
        this.devnet = devnet;
        this.installed = installed;
    }

    /** Compiles and deploys the wallet contracts and the stand-ins on {@code devnet}. */
    public static SmartWallets install(Devnet devnet) {
        return new SmartWallets(
                devnet, run("install", devnet.rpcUrl(), devnet.owner().privateKey()));
    }

    /** The Coinbase Smart Wallet v1.1 factory address on Base, where the devnet has it too. */
    public String factory() {
        return installed.get("factories").get("1.1").asString();
    }

    /** A factory with the same code at an ordinary devnet address, on no allow-list. */
    public String otherFactory() {
        return installed.get("otherFactory").asString();
    }

    /** A contract whose {@code isValidSignature} reverts. */
    public String reverting() {
        return installed.get("reverting").asString();
    }

    /** A contract whose {@code isValidSignature} never returns (burns all the call's gas). */
    public String looping() {
        return installed.get("looping").asString();
    }

    /** The wallet of the single owner {@code ownerKey} (salt {@code nonce}), deployed or not. */
    public Signed address(String ownerKey, long nonce) {
        JsonNode w = run("address", devnet.rpcUrl(), ownerKey, "--nonce", String.valueOf(nonce));
        return new Signed(w.get("address").asString(), w.get("deployed").asBoolean(), null);
    }

    /** Deploys the owner's wallet through the factory. */
    public Signed create(String ownerKey, long nonce) {
        JsonNode w =
                run("create", devnet.rpcUrl(), devnet.owner().privateKey(), ownerKey, "--nonce", String.valueOf(nonce));
        return new Signed(w.get("address").asString(), w.get("deployed").asBoolean(), null);
    }

    /** Signs {@code message} as the Base Account of {@code ownerKey} does (6492-wrapped while not deployed). */
    public Signed sign(String ownerKey, long nonce, String message) {
        return sign(ownerKey, nonce, message, List.of());
    }

    /** The same, with the factory call naming {@code factory}. */
    public Signed signWithFactory(String ownerKey, long nonce, String message, String factory) {
        return sign(ownerKey, nonce, message, List.of("--factory", factory));
    }

    /** A signature for the owner's wallet made by another key, {@code signerKey}. */
    public Signed signAsAnotherKey(String ownerKey, long nonce, String message, String signerKey) {
        return sign(ownerKey, nonce, message, List.of("--signer", signerKey));
    }

    private Signed sign(String ownerKey, long nonce, String message, List<String> extra) {
        List<String> args = new ArrayList<>(
                List.of("sign", devnet.rpcUrl(), ownerKey, messageFile(message), "--nonce", String.valueOf(nonce)));
        args.addAll(extra);
        JsonNode w = run(args.toArray(String[]::new));
        return new Signed(
                w.get("address").asString(),
                w.get("deployed").asBoolean(),
                w.get("signature").asString());
    }

    /** viem's {@code verifyMessage} on the devnet: the oracle. */
    public boolean viemAccepts(String address, String message, String signature) {
        return run("verify", devnet.rpcUrl(), address, messageFile(message), signature)
                .get("valid")
                .asBoolean();
    }

    /** Whether code is deployed at {@code address} (the devnet asked directly). */
    public boolean hasCode(String address) {
        return !devnet.web3j()
                .ethGetCode(address, org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
                .sendAsync()
                .join()
                .getCode()
                .toLowerCase(Locale.ROOT)
                .equals("0x");
    }

    private static String messageFile(String message) {
        try {
            Path file = Files.createTempFile("siwe-", ".txt");
            file.toFile().deleteOnExit();
            Files.writeString(file, message, StandardCharsets.UTF_8);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode run(String... args) {
        List<String> command = new ArrayList<>(List.of("node", SCRIPT.toString()));
        command.addAll(List.of(args));
        try {
            Path err = Files.createTempFile("smart-wallet-", ".log");
            Process process = new ProcessBuilder(command)
                    .directory(SCRIPT.getParent().toFile())
                    .redirectError(err.toFile())
                    .start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("dev/smart-wallet.js " + args[0] + " did not finish");
            }
            String log = Files.readString(err);
            Files.deleteIfExists(err);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("dev/smart-wallet.js " + args[0] + " failed: " + log);
            }
            return JSON.readTree(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
