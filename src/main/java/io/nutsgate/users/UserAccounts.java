package io.nutsgate.users;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating and changing users. Each operation locks the wallets and fid it touches, so concurrent requests on
 * any instance see each other's result; a unique-key race that slips through still ends as a 409.
 */
@Component
class UserAccounts {

    private final UserRepository users;
    private final Clock clock;

    UserAccounts(UserRepository users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    /**
     * Creates the user of {@code wallet} with this profile, or updates it: an optional field that is null keeps its
     * stored value, an empty one clears it. A fid that belongs to another user is {@code FID_TAKEN}.
     */
    @Transactional
    UserView saveProfile(String wallet, ProfileRequest profile) {
        users.lock("wallet:" + wallet);
        users.lock("fid:" + profile.fid());
        Instant now = clock.instant();
        Optional<Long> owner = users.userOfFid(profile.fid());
        Optional<Long> current = users.userOfWallet(wallet);
        if (owner.isPresent() && !owner.equals(current)) {
            throw fidTaken(profile.fid());
        }
        long id;
        try {
            if (current.isPresent()) {
                id = current.get();
                users.updateUser(id, profile, now);
            } else {
                id = users.insertUser(profile, now);
                users.linkWallet(wallet, id, now);
            }
        } catch (DuplicateKeyException e) {
            throw fidTaken(profile.fid());
        }
        return users.findById(id).orElseThrow();
    }

    /**
     * Links {@code newWallet} (proven with SIWE; the caller uses the nonce up in this transaction) to the user of {@code signedInWallet}. Linking a wallet the
     * user already has is a no-op; a wallet of another user is {@code WALLET_LINKED_TO_OTHER_USER}.
     */
    @Transactional
    UserView linkWallet(String signedInWallet, String newWallet) {
        String first = signedInWallet.compareTo(newWallet) <= 0 ? signedInWallet : newWallet;
        String second = first.equals(signedInWallet) ? newWallet : signedInWallet;
        users.lock("wallet:" + first);
        users.lock("wallet:" + second);
        long id = users.userOfWallet(signedInWallet)
                .orElseThrow(() -> new ApiException(
                        ErrorCode.PROFILE_REQUIRED,
                        "the signed-in wallet has no profile yet: create it with PUT /users/me first"));
        Optional<Long> owner = users.userOfWallet(newWallet);
        if (owner.isPresent() && owner.get() != id) {
            throw linkedElsewhere(newWallet);
        }
        try {
            users.linkWallet(newWallet, id, clock.instant());
        } catch (DuplicateKeyException e) {
            throw linkedElsewhere(newWallet);
        }
        return users.findById(id).orElseThrow();
    }

    @Transactional(readOnly = true)
    UserView profileOfWallet(String wallet) {
        return users.userOfWallet(wallet)
                .flatMap(users::findById)
                .orElseThrow(() -> new ApiException(
                        ErrorCode.USER_NOT_FOUND,
                        "the signed-in wallet " + wallet + " has no profile yet: create it with PUT /users/me"));
    }

    @Transactional(readOnly = true)
    UserView profile(long fid) {
        return users.findByFid(fid)
                .orElseThrow(() -> new ApiException(ErrorCode.USER_NOT_FOUND, "no user with fid " + fid));
    }

    private static ApiException fidTaken(long fid) {
        return new ApiException(
                ErrorCode.FID_TAKEN,
                "fid " + fid + " belongs to another user; sign in with one of its wallets and link this one with"
                        + " POST /users/me/wallets");
    }

    private static ApiException linkedElsewhere(String wallet) {
        return new ApiException(
                ErrorCode.WALLET_LINKED_TO_OTHER_USER, "wallet " + wallet + " is already linked to another user");
    }
}
