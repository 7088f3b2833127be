package io.nutsgate.push;

import java.util.UUID;
import org.springframework.stereotype.Component;

/** This process among the instances: an id for leases, the subscription registry and the Redis fan-out. */
@Component
class PushInstance {

    private final String id = UUID.randomUUID().toString();

    String id() {
        return id;
    }
}
