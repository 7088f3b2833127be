package io.nutsgate.push;

import java.util.List;

/** Which wallets have a socket in their room on this instance: what the wallet watch needs of the transport. */
public interface LocalRooms {

    /** The wallets with a subscriber on this instance (lower case). */
    List<String> localWallets();

    boolean hasLocalSubscribers(String wallet);
}
