package io.nutsgate.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.PersistenceTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import tools.jackson.databind.JsonNode;

class UsersIT extends PersistenceTest {

    private final ECKeyPair alice = key(11);
    private final ECKeyPair aliceSecond = key(12);
    private final ECKeyPair bob = key(13);

    private static String profile(long fid, String username) {
        return "{\"fid\":" + fid + ",\"username\":\"" + username + "\",\"displayName\":\"" + username
                + " ✨\",\"pfpUrl\":\"https://i.example/" + username + ".png\"}";
    }

    @Test
    void shouldCreateTheProfileAndLinkTheSignedInWallet() {
        String auth = signIn(alice);

        HttpResponse<String> saved = put("/users/me", profile(3621, "alice"), "Authorization", auth);
        HttpResponse<String> shown = get("/users/3621");

        assertThat(saved.statusCode()).isEqualTo(200);
        JsonNode user = body(shown).get("data");
        assertThat(user.get("fid").asLong()).isEqualTo(3621);
        assertThat(user.get("username").asString()).isEqualTo("alice");
        assertThat(user.get("displayName").asString()).isEqualTo("alice ✨");
        assertThat(user.get("pfpUrl").asString()).isEqualTo("https://i.example/alice.png");
        assertThat(addresses(user)).containsExactly(address(alice));
    }

    @Test
    void shouldUpdateTheProfileOfTheSameWallet() {
        String auth = signIn(alice);
        put("/users/me", profile(3621, "alice"), "Authorization", auth);

        HttpResponse<String> updated = put("/users/me", profile(3621, "alice-2"), "Authorization", auth);

        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(body(get("/users/3621")).get("data").get("username").asString())
                .isEqualTo("alice-2");
        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void shouldLinkASecondWalletThroughASecondProof() {
        String auth = signIn(alice);
        put("/users/me", profile(3621, "alice"), "Authorization", auth);
        String message = message(aliceSecond, nonce());

        HttpResponse<String> linked =
                post("/users/me/wallets", proof(message, sign(message, aliceSecond)), "Authorization", auth);

        assertThat(linked.statusCode()).isEqualTo(200);
        assertThat(addresses(body(get("/users/3621")).get("data")))
                .containsExactlyInAnyOrder(address(alice), address(aliceSecond));
    }

    @Test
    void shouldRefuseAWalletLinkedToAnotherUser() {
        String bobAuth = signIn(bob);
        put("/users/me", profile(99, "bob"), "Authorization", bobAuth);
        String aliceAuth = signIn(alice);
        put("/users/me", profile(3621, "alice"), "Authorization", aliceAuth);
        String message = message(bob, nonce());

        HttpResponse<String> linked =
                post("/users/me/wallets", proof(message, sign(message, bob)), "Authorization", aliceAuth);

        assertThat(linked.statusCode()).isEqualTo(409);
        assertThat(errorCode(linked)).isEqualTo("WALLET_LINKED_TO_OTHER_USER");
        assertThat(addresses(body(get("/users/99")).get("data"))).containsExactly(address(bob));
    }

    @Test
    void shouldRefuseAFidOfAnotherUser() {
        put("/users/me", profile(3621, "alice"), "Authorization", signIn(alice));

        HttpResponse<String> taken = put("/users/me", profile(3621, "mallory"), "Authorization", signIn(bob));

        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(errorCode(taken)).isEqualTo("FID_TAKEN");
        assertThat(body(get("/users/3621")).get("data").get("username").asString())
                .isEqualTo("alice");
    }

    @Test
    void shouldRequireAProfileBeforeLinkingWallets() {
        String auth = signIn(alice);
        String message = message(aliceSecond, nonce());

        HttpResponse<String> linked =
                post("/users/me/wallets", proof(message, sign(message, aliceSecond)), "Authorization", auth);

        assertThat(linked.statusCode()).isEqualTo(409);
        assertThat(errorCode(linked)).isEqualTo("PROFILE_REQUIRED");
    }

    @Test
    void shouldRefuseALinkProofThatFailsSiwe() {
        String auth = signIn(alice);
        put("/users/me", profile(3621, "alice"), "Authorization", auth);
        String message = message(aliceSecond, nonce());

        HttpResponse<String> linked =
                post("/users/me/wallets", proof(message, sign(message, bob)), "Authorization", auth);

        assertThat(linked.statusCode()).isEqualTo(401);
        assertThat(errorCode(linked)).isEqualTo("SIWE_SIGNATURE_INVALID");
        assertThat(addresses(body(get("/users/3621")).get("data"))).containsExactly(address(alice));
    }

    @Test
    void shouldValidateTheProfile() {
        String auth = signIn(alice);
        List<HttpResponse<String>> responses = new ArrayList<>();
        responses.add(put("/users/me", "{\"username\":\"alice\"}", "Authorization", auth));
        responses.add(put("/users/me", "{\"fid\":0,\"username\":\"alice\"}", "Authorization", auth));
        responses.add(put("/users/me", "{\"fid\":\"abc\",\"username\":\"alice\"}", "Authorization", auth));
        responses.add(put("/users/me", "{\"fid\":1,\"username\":\"<script>\"}", "Authorization", auth));
        responses.add(put(
                "/users/me",
                "{\"fid\":1,\"username\":\"a\",\"pfpUrl\":\"javascript:alert(1)\"}",
                "Authorization",
                auth));
        responses.add(put("/users/me", "[1,2]", "Authorization", auth));

        assertThat(responses).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(errorCode(r)).isEqualTo("INVALID_BODY");
        });
        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isZero();
    }

    @Test
    void shouldAnswer404ForAnUnknownFidAnd400ForABadOne() {
        HttpResponse<String> unknown = get("/users/424242");
        HttpResponse<String> bad = get("/users/abc");
        HttpResponse<String> negative = get("/users/-5");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(errorCode(unknown)).isEqualTo("USER_NOT_FOUND");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(negative.statusCode()).isEqualTo(400);
    }

    @Test
    void shouldDocumentSignInUsersAndTradesInOpenApi() {
        JsonNode docs = body(get("/v3/api-docs"));

        JsonNode paths = docs.get("paths");
        for (String path : List.of(
                "/auth/nonce",
                "/auth/verify",
                "/users/me",
                "/users/me/wallets",
                "/users/{fid}",
                "/nuts/users/{address}/trades",
                "/nuts/users/{address}/summary",
                "/nuts/leaderboard",
                "/nuts/referrer/summary")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        assertThat(docs.get("components").get("securitySchemes").has("siweSession"))
                .isTrue();
        assertThat(paths.get("/users/me").get("put").get("security").toString()).contains("siweSession");
        assertThat(paths.get("/auth/verify").get("post").get("description").asString())
                .contains("EIP-1271");
    }

    private static List<String> addresses(JsonNode user) {
        List<String> addresses = new ArrayList<>();
        user.get("wallets").forEach(w -> {
            String address = w.get("address").asString();
            assertThat(io.nutsgate.support.Eip55.isChecksummed(address))
                    .as(address)
                    .isTrue();
            addresses.add(address.toLowerCase(java.util.Locale.ROOT)); // compared with the lower-case test wallets
        });
        return addresses;
    }
}
