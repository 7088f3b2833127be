package io.nutsgate.positions;

import io.nutsgate.push.PushMessage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Which wallets have subscribers on which instance, and what each room was last sent. */
@Repository
class WatchRepository {

    private final JdbcClient jdbc;

    WatchRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void markSubscribed(String instance, List<String> wallets, Instant now) {
        if (wallets.isEmpty()) {
            return;
        }
        jdbc.sql(
                        """
                        INSERT INTO push_subscriptions (wallet, instance_id, seen_at)
                        SELECT w, :instance, :now FROM unnest(CAST(:wallets AS text[])) AS w
                        ON CONFLICT (wallet, instance_id) DO UPDATE SET seen_at = EXCLUDED.seen_at
                        """)
                .param("instance", instance)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .param("wallets", wallets.toArray(String[]::new))
                .update();
    }

    /** Drops the wallet's row of this instance, and its room's digest once no instance holds a subscriber. */
    void markUnsubscribed(String instance, String wallet) {
        jdbc.sql("DELETE FROM push_subscriptions WHERE instance_id = :instance AND wallet = :wallet")
                .param("instance", instance)
                .param("wallet", wallet)
                .update();
        jdbc.sql(
                        """
                        DELETE FROM push_rooms WHERE room = :room
                        AND NOT EXISTS (SELECT 1 FROM push_subscriptions WHERE wallet = :wallet)
                        """)
                .param("room", PushMessage.positionsRoom(wallet))
                .param("wallet", wallet)
                .update();
    }

    /**
     * Drops the digests of rooms no instance holds a subscriber for (left by an instance that stopped, or a write
     * that failed, rows not refreshed since {@code liveSince}): a wallet no one follows keeps no row.
     */
    int dropAbandonedRooms(Instant liveSince) {
        return jdbc.sql(
                        """
                        DELETE FROM push_rooms r WHERE NOT EXISTS
                          (SELECT 1 FROM push_subscriptions s
                           WHERE r.room = 'positions:' || s.wallet AND s.seen_at >= :liveSince)
                        """)
                .param("liveSince", liveSince.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** Drops this instance's rows of wallets it no longer holds. */
    void keepOnly(String instance, List<String> wallets) {
        jdbc.sql(
                        "DELETE FROM push_subscriptions WHERE instance_id = :instance AND wallet <> ALL(CAST(:wallets AS text[]))")
                .param("instance", instance)
                .param("wallets", wallets.toArray(String[]::new))
                .update();
    }

    /** Wallets some instance reported a subscriber for since {@code since}, oldest-watched order not needed. */
    List<String> subscribedWallets(Instant since, int limit) {
        return jdbc.sql(
                        """
                        SELECT wallet FROM push_subscriptions WHERE seen_at >= :since
                        GROUP BY wallet ORDER BY max(seen_at) DESC, wallet LIMIT :limit
                        """)
                .param("since", since.atOffset(ZoneOffset.UTC))
                .param("limit", limit)
                .query(String.class)
                .list();
    }

    boolean hasSubscribers(String wallet, Instant since) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM push_subscriptions WHERE wallet = :wallet AND seen_at >= :since)")
                .param("wallet", wallet)
                .param("since", since.atOffset(ZoneOffset.UTC))
                .query(Boolean.class)
                .single();
    }

    /**
     * Records {@code digest} as what {@code room} was last sent; true when it differs from the previous one (the
     * push should go out). Atomic across instances: of two racing checks with the same news, one wins.
     */
    boolean recordDigest(String room, byte[] digest, Instant now) {
        return jdbc.sql(
                                """
                        INSERT INTO push_rooms (room, digest, pushed_at) VALUES (:room, :digest, :now)
                        ON CONFLICT (room) DO UPDATE SET digest = EXCLUDED.digest, pushed_at = EXCLUDED.pushed_at
                        WHERE push_rooms.digest IS DISTINCT FROM EXCLUDED.digest
                        """)
                        .param("room", room)
                        .param("digest", digest)
                        .param("now", now.atOffset(ZoneOffset.UTC))
                        .update()
                == 1;
    }
}
