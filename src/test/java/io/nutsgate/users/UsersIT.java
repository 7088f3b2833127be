package io.nutsgate.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.support.PersistenceTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

    // ---- GET /users/me ----

    @Test
    void shouldShowTheSignedInUsersOwnProfileAndWallets() {
        String auth = signIn(alice);
        put("/users/me", profile(3621, "alice"), "Authorization", auth);
        String message = message(aliceSecond, nonce());
        post("/users/me/wallets", proof(message, sign(message, aliceSecond)), "Authorization", auth);
        put("/users/me", profile(99, "bob"), "Authorization", signIn(bob));

        HttpResponse<String> mine = get("/users/me", "Authorization", auth);
        HttpResponse<String> fromSecondWallet = get("/users/me", "Authorization", signIn(aliceSecond));

        assertThat(mine.statusCode()).isEqualTo(200);
        JsonNode user = body(mine).get("data");
        assertThat(user.get("fid").asLong()).isEqualTo(3621);
        assertThat(user.get("username").asString()).isEqualTo("alice");
        assertThat(user.get("displayName").asString()).isEqualTo("alice ✨");
        assertThat(addresses(user)).containsExactlyInAnyOrder(address(alice), address(aliceSecond));
        assertThat(body(fromSecondWallet).get("data").get("fid").asLong()).isEqualTo(3621);
    }

    @Test
    void shouldAnswer404ForMyProfileBeforeItExistsAnd401WithoutASession() {
        HttpResponse<String> none = get("/users/me", "Authorization", signIn(alice));
        HttpResponse<String> anonymous = get("/users/me");

        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(errorCode(none)).isEqualTo("USER_NOT_FOUND");
        assertThat(body(none).get("error").get("message").asString()).contains("PUT /users/me");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(errorCode(anonymous)).isEqualTo("UNAUTHORIZED");
    }

    // ---- PUT /users/me is strict ----

    private void assertRefused(String auth, String body, String field) {
        HttpResponse<String> response = put("/users/me", body, "Authorization", auth);
        assertThat(response.statusCode()).as(body).isEqualTo(400);
        assertThat(errorCode(response)).as(body).isEqualTo("INVALID_BODY");
        assertThat(body(response).get("error").get("message").asString())
                .as(body)
                .startsWith(field + ":");
    }

    @Test
    void shouldRefuseAFidThatIsNotAPositiveJsonInteger() {
        String auth = signIn(alice);
        for (String fid : List.of(
                "1.5",
                "\"12\"",
                "\"１２３\"",
                "12.0",
                "1e3",
                "true",
                "[3621]",
                "{}",
                "0",
                "-3",
                "9007199254740992",
                "100000000000000000000000")) {
            assertRefused(auth, "{\"fid\":" + fid + ",\"username\":\"alice\"}", "fid");
        }
        assertRefused(auth, "{\"username\":\"alice\"}", "fid");
        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isZero();
    }

    @Test
    void shouldRefuseNamesThatAreNotStrings() {
        String auth = signIn(alice);
        assertRefused(auth, "{\"fid\":1,\"username\":12}", "username");
        assertRefused(auth, "{\"fid\":1,\"username\":true}", "username");
        assertRefused(auth, "{\"fid\":1,\"username\":1.5}", "username");
        assertRefused(auth, "{\"fid\":1,\"username\":[\"alice\"]}", "username");
        assertRefused(auth, "{\"fid\":1,\"username\":\"alice\",\"displayName\":5}", "displayName");
        assertRefused(auth, "{\"fid\":1,\"username\":\"alice\",\"displayName\":false}", "displayName");
        assertRefused(auth, "{\"fid\":1,\"username\":\"alice\",\"pfpUrl\":1}", "pfpUrl");
        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isZero();
    }

    @Test
    void shouldRefuseDuplicateUnknownAndNullKeys() {
        String auth = signIn(alice);
        assertRefused(auth, "{\"fid\":1,\"fid\":2,\"username\":\"alice\"}", "fid");
        assertRefused(auth, "{\"fid\":1,\"username\":\"alice\",\"username\":\"mallory\"}", "username");
        assertRefused(auth, "{\"fid\":1,\"username\":\"alice\",\"displayname\":\"Alice\"}", "displayname");
        assertRefused(auth, "{\"fid\":null,\"username\":\"alice\"}", "fid");
        assertRefused(auth, "{\"fid\":1,\"username\":\"alice\",\"displayName\":null}", "displayName");
        assertRefused(auth, "{\"fid\":1,\"username\":\"alice\",\"pfpUrl\":null}", "pfpUrl");
        // Not JSON at all: no field to blame, and none is made up.
        for (String broken : List.of("{\"fid\":1,\"username\":\"alice\"", "{\"fid\":1,\"username\":\"alice\"} {}")) {
            HttpResponse<String> response = put("/users/me", broken, "Authorization", auth);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(body(response).get("error").get("message").asString())
                    .startsWith("request body is not valid JSON");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isZero();
    }

    @Test
    void shouldRefuseControlAndBidiCharactersInNames() {
        String auth = signIn(alice);
        // JSON escapes, so the body itself is plain ASCII: RLO, LRI, PDI, RLM, ALM, BEL, NUL, DEL+C1, LS, lone
        // surrogate.
        for (String evil : List.of(
                "alice\\u202Egnp.exe",
                "\\u2066alice\\u2069",
                "alice\\u200F",
                "alice\\u061C",
                "ali\\u0007ce",
                "ali\\u0000ce",
                "ali\\u0085ce",
                "ali\\u2028ce",
                "ali\\ud800ce")) {
            assertRefused(auth, "{\"fid\":1,\"username\":\"alice\",\"displayName\":\"" + evil + "\"}", "displayName");
            assertRefused(auth, "{\"fid\":1,\"username\":\"" + evil + "\"}", "username");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isZero();
    }

    @Test
    void shouldRefuseAnOversizedChunkedProfileBodyAsTooLarge() {
        String auth = signIn(alice);
        String huge = "{\"fid\":1,\"username\":\"alice\",\"displayName\":\"" + "a".repeat(70_000) + "\"}";

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/users/me"))
                .header("Content-Type", "application/json")
                .header("Authorization", auth)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8))))
                .build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("INVALID_BODY");
        assertThat(body(response).get("error").get("message").asString()).contains("64 KB");
    }

    @Test
    void shouldKeepEmojiAndScriptsInDisplayNames() {
        String auth = signIn(alice);
        // A family emoji is joined by ZERO WIDTH JOINER (a format character that is not a bidi control).
        String name = "アリス 👨‍👩‍👧 Ünïcödé";

        HttpResponse<String> saved = put(
                "/users/me",
                json.createObjectNode()
                        .put("fid", 3621)
                        .put("username", "alice")
                        .put("displayName", name)
                        .toString(),
                "Authorization",
                auth);

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(body(get("/users/3621")).get("data").get("displayName").asString())
                .isEqualTo(name);
    }

    @Test
    void shouldKeepOmittedOptionalFieldsAndClearEmptyOnes() {
        String auth = signIn(alice);
        put("/users/me", profile(3621, "alice"), "Authorization", auth);

        HttpResponse<String> renamed =
                put("/users/me", "{\"fid\":3621,\"username\":\"alice-2\"}", "Authorization", auth);
        JsonNode kept = body(get("/users/3621")).get("data");
        HttpResponse<String> cleared = put(
                "/users/me",
                "{\"fid\":3621,\"username\":\"alice-2\",\"displayName\":\"\",\"pfpUrl\":\"\"}",
                "Authorization",
                auth);
        JsonNode empty = body(get("/users/3621")).get("data");

        assertThat(renamed.statusCode()).isEqualTo(200);
        assertThat(kept.get("username").asString()).isEqualTo("alice-2");
        assertThat(kept.get("displayName").asString()).isEqualTo("alice ✨");
        assertThat(kept.get("pfpUrl").asString()).isEqualTo("https://i.example/alice.png");
        assertThat(cleared.statusCode()).isEqualTo(200);
        assertThat(empty.path("displayName").isNull()
                        || empty.path("displayName").isMissingNode())
                .as(empty.toString())
                .isTrue();
        assertThat(empty.path("pfpUrl").isNull() || empty.path("pfpUrl").isMissingNode())
                .as(empty.toString())
                .isTrue();
    }

    // ---- a refused wallet link leaves the nonce unused and announces nothing ----

    private long noncesLeft(String message) {
        String nonce = message.lines()
                .filter(l -> l.startsWith("Nonce: "))
                .findFirst()
                .orElseThrow()
                .substring(7);
        return jdbc.sql("SELECT count(*) FROM siwe_nonces WHERE nonce = :nonce")
                .param("nonce", nonce)
                .query(Long.class)
                .single();
    }

    private long activity(String wallet) {
        return jdbc.sql("SELECT count(*) FROM wallet_activity WHERE address = :address")
                .param("address", wallet)
                .query(Long.class)
                .single();
    }

    @Test
    void shouldKeepTheNonceAndAnnounceNothingWhenALinkNeedsAProfileFirst() {
        String auth = signIn(alice);
        String message = message(aliceSecond, nonce());
        String proof = proof(message, sign(message, aliceSecond));

        HttpResponse<String> refused = post("/users/me/wallets", proof, "Authorization", auth);

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(errorCode(refused)).isEqualTo("PROFILE_REQUIRED");
        assertThat(noncesLeft(message)).isEqualTo(1);
        assertThat(activity(address(aliceSecond))).isZero();

        put("/users/me", profile(3621, "alice"), "Authorization", auth);
        HttpResponse<String> linked = post("/users/me/wallets", proof, "Authorization", auth);
        HttpResponse<String> replayed = post("/users/me/wallets", proof, "Authorization", auth);

        assertThat(linked.statusCode()).isEqualTo(200);
        assertThat(noncesLeft(message)).isZero();
        // the activity row is written in the background (trade sync bookkeeping never runs on a request thread)
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> activity(address(aliceSecond)) == 1);
        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(errorCode(replayed)).isEqualTo("SIWE_NONCE_INVALID");
    }

    @Test
    void shouldKeepTheNonceWhenTheWalletBelongsToAnotherUserOrTheSignatureIsWrong() {
        put("/users/me", profile(99, "bob"), "Authorization", signIn(bob));
        String auth = signIn(alice);
        put("/users/me", profile(3621, "alice"), "Authorization", auth);
        String bobs = message(bob, nonce());
        String forged = message(aliceSecond, nonce());

        HttpResponse<String> taken = post("/users/me/wallets", proof(bobs, sign(bobs, bob)), "Authorization", auth);
        HttpResponse<String> wrong = post("/users/me/wallets", proof(forged, sign(forged, bob)), "Authorization", auth);

        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(noncesLeft(bobs)).isEqualTo(1);
        assertThat(noncesLeft(forged)).isEqualTo(1);
        assertThat(activity(address(aliceSecond))).isZero();
        assertThat(addresses(body(get("/users/me", "Authorization", auth)).get("data")))
                .containsExactly(address(alice));
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
        assertThat(paths.get("/users/me").get("get").get("security").toString()).contains("siweSession");
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
