package io.nutsgate.push;

import java.util.UUID;
import org.springframework.stereotype.Component;

/** This process among the instances: an id for leases, the subscription registry and the Redis fan-out. */
@Component
public class PushInstance {

    private final String id = UUID.randomUUID().toString();

    public String id() {
        return id;
    }
}
