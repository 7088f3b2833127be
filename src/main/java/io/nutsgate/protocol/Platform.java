package io.nutsgate.protocol;

import java.util.Optional;

/** What this instance serves: the active OptionBook deployment and the platform's referrer (if configured). */
public record Platform(Deployment deployment, Optional<String> referrer) {}
