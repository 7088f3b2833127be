package io.nutsgate.push;

/**
 * Delivers pushes to every instance's sockets in the message's room. In process when there is one instance;
 * through Redis pub/sub with {@code REDIS_URL} (each instance emits to its local rooms). Never blocks the caller on
 * a remote system.
 */
public interface PushBus {

    void publish(PushMessage message);
}
