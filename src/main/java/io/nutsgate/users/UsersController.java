package io.nutsgate.users;

import io.nutsgate.auth.AuthApi;
import io.nutsgate.auth.SignedIn;
import io.nutsgate.auth.SiweRequest;
import io.nutsgate.common.ApiResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/users")
@Tag(
        name = "Users",
        description = "Profiles: a verified Farcaster fid (Quick Auth) and the wallets they sign in with (SIWE)")
class UsersController {

    private final UserAccounts accounts;
    private final AuthApi auth;

    UsersController(UserAccounts accounts, AuthApi auth) {
        this.accounts = accounts;
        this.auth = auth;
    }

    @GetMapping("/me")
    @Operation(
            summary = "The signed-in user's profile and linked wallets",
            description =
                    "404 USER_NOT_FOUND while the signed-in wallet has no profile (create it with PUT /users/me).",
            security = @SecurityRequirement(name = SignedIn.SECURITY_SCHEME))
    ApiResponse<UserView> me(@Parameter(hidden = true) SignedIn signedIn) {
        return ApiResponse.ok(accounts.profileOf(signedIn));
    }

    @PutMapping("/me")
    @Operation(
            summary = "Create or update the signed-in user's profile",
            description = "A wallet without a user gets one, linked to it. The fid is not set here: Farcaster Quick"
                    + " Auth sets it (POST /auth/farcaster); a fid in the body must be the user's own, else 403"
                    + " FID_NOT_VERIFIED naming the field. The body is read strictly: fid a positive JSON"
                    + " integer (no string, fraction or exponent), the names JSON strings (no numbers or booleans),"
                    + " no duplicate or unknown keys, no null; control and bidirectional-override characters are"
                    + " refused. An optional field (displayName, pfpUrl) left out keeps its stored value; \"\""
                    + " clears it. 400 INVALID_BODY naming the field.",
            security = @SecurityRequirement(name = SignedIn.SECURITY_SCHEME))
    ApiResponse<UserView> saveProfile(
            @Parameter(hidden = true) SignedIn signedIn, @Valid @RequestBody ProfileRequest profile) {
        return ApiResponse.ok(accounts.saveProfile(signedIn, profile));
    }

    @PostMapping("/me/wallets")
    @Operation(
            summary = "Link another wallet to the signed-in user",
            description = "Body: a second SIWE message and signature made by the wallet to link (nonce from GET"
                    + " /auth/nonce; the same checks and 401 codes as POST /auth/verify). 409"
                    + " WALLET_LINKED_TO_OTHER_USER when that wallet belongs to another user, 409 PROFILE_REQUIRED"
                    + " before PUT /users/me. A refused link leaves the nonce unused.",
            security = @SecurityRequirement(name = SignedIn.SECURITY_SCHEME))
    ApiResponse<UserView> linkWallet(
            @Parameter(hidden = true) SignedIn signedIn, @Valid @RequestBody SiweRequest proof) {
        return ApiResponse.ok(
                auth.redeemProof(proof.message(), proof.signature(), wallet -> accounts.linkWallet(signedIn, wallet)));
    }

    @GetMapping("/{fid}")
    @Operation(summary = "A user's public profile and linked wallets", description = "404 USER_NOT_FOUND")
    ApiResponse<UserView> profile(@PathVariable @Positive @Max(9_007_199_254_740_991L) long fid) {
        return ApiResponse.ok(accounts.profile(fid));
    }
}
