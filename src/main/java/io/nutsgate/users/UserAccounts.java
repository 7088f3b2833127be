package io.nutsgate.users;

import io.nutsgate.auth.FarcasterSignedInEvent;
import io.nutsgate.auth.SignedIn;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating and changing users. A user has at most one fid, set only from a verified source (Farcaster Quick Auth),
 * and any number of wallets (each proved with SIWE). Each operation locks the wallets and fid it touches, so
 * concurrent requests on any instance see each other's result; a unique-key race that slips through still ends as a
 * 409.
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
     * The user of a fid Quick Auth just verified, found or created. A user who only typed that fid before (unverified)
     * loses it to the verified one, keeping its wallets and names.
     */
    @EventListener
    @Transactional
    public void onFarcasterSignIn(FarcasterSignedInEvent event) {
        verifiedUser(event.fid());
    }

    private long verifiedUser(long fid) {
        Optional<UserRepository.Fid> holder = users.holderOfFid(fid);
        if (holder.isPresent() && holder.get().verified()) {
            return holder.get().userId();
        }
        users.lock("fid:" + fid);
        holder = users.holderOfFid(fid);
        if (holder.isPresent()) {
            if (holder.get().verified()) {
                return holder.get().userId();
            }
            users.dropUnverifiedFid(holder.get().userId(), clock.instant());
        }
        return users.insertVerifiedUser(fid, clock.instant());
    }

    /**
     * Creates the user of the signed-in wallet with this profile, or updates the caller's user: an optional field that
     * is null keeps its stored value, an empty one clears it. A fid in the body must be the user's own (verified, or
     * the typed one it already has): anything else is 403 {@code FID_NOT_VERIFIED}.
     */
    @Transactional
    UserView saveProfile(SignedIn caller, ProfileRequest profile) {
        lockCaller(caller);
        Instant now = clock.instant();
        Optional<Long> current = userOf(caller);
        UserRepository.Fid fid = current.map(users::fidOf).orElse(null);
        checkFid(profile.fid(), fid);
        long id;
        if (current.isPresent()) {
            id = current.get();
            users.updateUser(id, profile, now);
        } else {
            id = users.insertUser(profile, now);
            users.linkWallet(caller.address(), id, now);
        }
        return users.findById(id).orElseThrow();
    }

    private static void checkFid(Long sent, UserRepository.Fid stored) {
        if (sent == null || (stored != null && Objects.equals(sent, stored.fid()))) {
            return;
        }
        if (stored != null && stored.verified()) {
            throw new ApiException(
                    ErrorCode.FID_NOT_VERIFIED,
                    "fid: " + sent + " differs from this user's verified fid " + stored.fid()
                            + "; leave fid out to keep it");
        }
        throw new ApiException(
                ErrorCode.FID_NOT_VERIFIED,
                "fid: a fid is set only by signing in with Farcaster Quick Auth (POST /auth/farcaster or its JWT as"
                        + " bearer), not typed; leave fid out");
    }

    /**
     * Links {@code newWallet} (proven with SIWE; the caller uses the nonce up in this transaction) to the caller's
     * user. Linking a wallet the user already has is a no-op; a wallet of another user is
     * {@code WALLET_LINKED_TO_OTHER_USER}.
     */
    @Transactional
    UserView linkWallet(SignedIn caller, String newWallet) {
        if (caller.isWallet()) {
            String first = caller.address().compareTo(newWallet) <= 0 ? caller.address() : newWallet;
            String second = first.equals(caller.address()) ? newWallet : caller.address();
            users.lock("wallet:" + first);
            users.lock("wallet:" + second);
        } else {
            users.lock("fid:" + caller.fid());
            users.lock("wallet:" + newWallet);
        }
        long id = userOf(caller)
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
    UserView profileOf(SignedIn caller) {
        return userOf(caller)
                .flatMap(users::findById)
                .orElseThrow(() -> new ApiException(
                        ErrorCode.USER_NOT_FOUND,
                        "the signed-in wallet " + caller.address()
                                + " has no profile yet: create it with PUT /users/me"));
    }

    @Transactional(readOnly = true)
    UserView profile(long fid) {
        return users.findByFid(fid)
                .orElseThrow(() -> new ApiException(ErrorCode.USER_NOT_FOUND, "no user with fid " + fid));
    }

    /** A Farcaster caller's user (it exists: the sign-in created it) or a wallet's, if it has one. */
    private Optional<Long> userOf(SignedIn caller) {
        if (caller.isWallet()) {
            return users.userOfWallet(caller.address());
        }
        return Optional.of(users.holderOfFid(caller.fid())
                .filter(UserRepository.Fid::verified)
                .map(UserRepository.Fid::userId)
                .orElseGet(() -> verifiedUser(caller.fid())));
    }

    private void lockCaller(SignedIn caller) {
        users.lock(caller.isWallet() ? "wallet:" + caller.address() : "fid:" + caller.fid());
    }

    private static ApiException linkedElsewhere(String wallet) {
        return new ApiException(
                ErrorCode.WALLET_LINKED_TO_OTHER_USER, "wallet " + wallet + " is already linked to another user");
    }
}
