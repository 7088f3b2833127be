package io.nutsgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.PersistenceTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An RPC node that accepts connections and never answers: a contract wallet's signature is refused with 503
 * {@code CHAIN_UNAVAILABLE} once {@code NUTS_RPC_TIMEOUT} has passed (the request does not hang), the nonce stays
 * usable, and an account key still signs in.
 */
class ContractWalletOutageIT extends PersistenceTest {

    static ServerSocket silent;
    static final List<Socket> held = new CopyOnWriteArrayList<>();

    @DynamicPropertySource
    static void silentRpc(DynamicPropertyRegistry registry) {
        try {
            silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept()); // read nothing, answer nothing
                } catch (IOException closed) {
                    return;
                }
            }
        });
        registry.add("nuts.chain.rpc-url", () -> "http://127.0.0.1:" + silent.getLocalPort());
        registry.add("nuts.chain.rpc-timeout", () -> "1s");
        registry.add("nuts.chain.indexer-enabled", () -> "false");
    }

    @AfterAll
    static void stop() throws IOException {
        silent.close();
        for (Socket s : held) {
            s.close();
        }
    }

    @Test
    void shouldRefuseAContractWalletSignatureWhenTheNodeDoesNotAnswerAndKeepTheNonce() {
        String message = message(key(5), nonce());

        HttpResponse<String> refused = post("/auth/verify", proof(message, "0x" + "00".repeat(160)));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(errorCode(refused)).isEqualTo("CHAIN_UNAVAILABLE");
        assertThat(post("/auth/verify", proof(message, sign(message, key(5)))).statusCode())
                .isEqualTo(200);
    }
}
