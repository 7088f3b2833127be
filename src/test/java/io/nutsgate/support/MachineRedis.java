package io.nutsgate.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.UUID;

/**
 * The machine's Redis (127.0.0.1:6379), shared by every build on the machine: a test takes a key prefix of its own
 * and deletes only its own keys when it ends.
 */
public final class MachineRedis {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 6379;
    public static final String URL = "redis://" + HOST + ":" + PORT;

    private MachineRedis() {}

    /** Skips the test (fails it under {@code CI=true}) when the machine's Redis does not answer. */
    public static void require() {
        RequiredService.require("Redis", HOST, PORT);
    }

    /** {@code <what>:<random>:}, a prefix no other test or build uses. */
    public static String newPrefix(String what) {
        return what + ":" + UUID.randomUUID() + ":";
    }

    /** How many keys stand under {@code prefix} in database {@code db}. */
    public static long countKeys(String prefix, int db) {
        RedisClient client = RedisClient.create(URL + "/" + db);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().keys(prefix + "*").size();
        } finally {
            client.shutdown();
        }
    }

    /** Deletes the keys under {@code prefix} in database {@code db}, if Redis answers. */
    public static void deleteKeys(String prefix, int db) {
        if (!RequiredService.reachable(HOST, PORT)) {
            return;
        }
        RedisClient client = RedisClient.create(URL + "/" + db);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) connection.sync().del(keys.toArray(String[]::new));
        } finally {
            client.shutdown();
        }
    }
}
