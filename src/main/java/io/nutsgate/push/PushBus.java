package io.nutsgate.push;

/**
 * Delivers pushes to every instance's sockets in the message's room: through Redis pub/sub with {@code REDIS_URL},
 * else PostgreSQL {@code LISTEN/NOTIFY} (each instance emits to its local rooms); in process only without either.
 * Never blocks the caller on a remote system.
 */
public interface PushBus {

    void publish(PushMessage message);
}
