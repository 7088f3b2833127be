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

    private static String names(String username) {
        return "{\"username\":\"" + username + "\",\"displayName\":\"" + username
                + " ✨\",\"pfpUrl\":\"https://i.example/" + username + ".png\"}";
    }

    /**
     * A user whose fid Quick Auth verified, with its names and {@code wallet} linked (proved with SIWE while signed in
     * with the Quick Auth JWT); returns the wallet's session header.
     */
    private String farcasterUser(long fid, ECKeyPair wallet, String username) {
        String jwt = "Bearer " + farcasterToken(fid);
        assertThat(put("/users/me", names(username), "Authorization", jwt).statusCode())
                .isEqualTo(200);
        String message = message(wallet, nonce());
        HttpResponse<String> linked =
                post("/users/me/wallets", proof(message, sign(message, wallet)), "Authorization", jwt);
        assertThat(linked.statusCode()).as(linked.body()).isEqualTo(200);
        return signIn(wallet);
    }

    @Test
    void shouldCreateTheProfileOfAWalletWithoutAFidAndLinkTheWallet() {
        String auth = signIn(alice);

        HttpResponse<String> saved = put("/users/me", names("alice"), "Authorization", auth);
        HttpResponse<String> shown = get("/users/me", "Authorization", auth);

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        JsonNode user = body(shown).get("data");
        assertThat(user.get("fid").isNull()).isTrue();
        assertThat(user.get("fidVerified").asBoolean()).isFalse();
        assertThat(user.get("username").asString()).isEqualTo("alice");
        assertThat(user.get("displayName").asString()).isEqualTo("alice ✨");
        assertThat(user.get("pfpUrl").asString()).isEqualTo("https://i.example/alice.png");
        assertThat(addresses(user)).containsExactly(address(alice));
    }

    @Test
    void shouldShowAFarcasterUserWithItsVerifiedFidAndLinkedWallet() {
        farcasterUser(3621, alice, "alice");

        JsonNode user = body(get("/users/3621")).get("data");

        assertThat(user.get("fid").asLong()).isEqualTo(3621);
        assertThat(user.get("fidVerified").asBoolean()).isTrue();
        assertThat(user.get("username").asString()).isEqualTo("alice");
        assertThat(addresses(user)).containsExactly(address(alice));
    }

    @Test
    void shouldRefuseATypedFidAndAFidOtherThanTheVerifiedOne() {
        String wallet = signIn(bob);
        String verified = farcasterUser(3621, alice, "alice");

        HttpResponse<String> typed = put("/users/me", profile(3621, "mallory"), "Authorization", wallet);
        HttpResponse<String> other = put("/users/me", profile(99, "alice"), "Authorization", verified);
        HttpResponse<String> own = put("/users/me", profile(3621, "alice-2"), "Authorization", verified);

        assertThat(typed.statusCode()).isEqualTo(403);
        assertThat(errorCode(typed)).isEqualTo("FID_NOT_VERIFIED");
        assertThat(body(typed).path("error").path("message").asString()).startsWith("fid:");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(errorCode(other)).isEqualTo("FID_NOT_VERIFIED");
        assertThat(body(other).path("error").path("message").asString())
                .startsWith("fid:")
                .contains("3621");
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(body(get("/users/3621")).get("data").get("username").asString())
                .isEqualTo("alice-2");
        assertThat(get("/users/99").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldKeepATypedFidUnverifiedUntilItsOwnerSignsInWithQuickAuth() {
        String auth = signIn(bob);
        put("/users/me", names("bob"), "Authorization", auth);
        // a fid typed before fids were verified (the migration keeps it, unverified)
        jdbc.sql("UPDATE users SET fid = 3621").update();
        assertThat(body(get("/users/3621")).get("data").get("fidVerified").asBoolean())
                .isFalse();
        assertThat(put("/users/me", profile(3621, "bob-2"), "Authorization", auth)
                        .statusCode())
                .as("its holder may keep sending it")
                .isEqualTo(200);

        HttpResponse<String> owner = get("/users/me", "Authorization", "Bearer " + farcasterToken(3621));

        assertThat(owner.statusCode()).isEqualTo(200);
        assertThat(body(owner).get("data").get("fidVerified").asBoolean()).isTrue();
        assertThat(addresses(body(owner).get("data"))).isEmpty();
        JsonNode typer = body(get("/users/me", "Authorization", auth)).get("data");
        assertThat(typer.get("fid").isNull()).as("the typed claim is dropped").isTrue();
        assertThat(typer.get("username").asString()).isEqualTo("bob-2");
    }

    @Test
    void shouldUpdateTheProfileOfTheSameWallet() {
        String auth = farcasterUser(3621, alice, "alice");

        HttpResponse<String> updated = put("/users/me", profile(3621, "alice-2"), "Authorization", auth);

        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(body(get("/users/3621")).get("data").get("username").asString())
                .isEqualTo("alice-2");
        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void shouldLinkASecondWalletThroughASecondProof() {
        String auth = farcasterUser(3621, alice, "alice");
        String message = message(aliceSecond, nonce());

        HttpResponse<String> linked =
                post("/users/me/wallets", proof(message, sign(message, aliceSecond)), "Authorization", auth);

        assertThat(linked.statusCode()).isEqualTo(200);
        assertThat(addresses(body(get("/users/3621")).get("data")))
                .containsExactlyInAnyOrder(address(alice), address(aliceSecond));
    }

    @Test
    void shouldRefuseAWalletLinkedToAnotherUser() {
        String bobAuth = farcasterUser(99, bob, "bob");
        String aliceAuth = farcasterUser(3621, alice, "alice");
        String message = message(bob, nonce());

        HttpResponse<String> linked =
                post("/users/me/wallets", proof(message, sign(message, bob)), "Authorization", aliceAuth);

        assertThat(linked.statusCode()).isEqualTo(409);
        assertThat(errorCode(linked)).isEqualTo("WALLET_LINKED_TO_OTHER_USER");
        assertThat(addresses(body(get("/users/99")).get("data"))).containsExactly(address(bob));
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
        String auth = farcasterUser(3621, alice, "alice");
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
        String auth = farcasterUser(3621, alice, "alice");
        String message = message(aliceSecond, nonce());
        post("/users/me/wallets", proof(message, sign(message, aliceSecond)), "Authorization", auth);
        farcasterUser(99, bob, "bob");

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
        String auth = farcasterUser(3621, alice, "alice");
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
        String auth = farcasterUser(3621, alice, "alice");

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

        put("/users/me", names("alice"), "Authorization", auth);
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
        farcasterUser(99, bob, "bob");
        String auth = farcasterUser(3621, alice, "alice");
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
                .contains("ERC-1271")
                .contains("ERC-6492");
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
