package io.nutsgate.thetanuts;

import org.springframework.context.ApplicationContext;

/** Lets tests outside this package clear the upstream health that earlier tests in a shared context left. */
public final class UpstreamHealthReset {

    private UpstreamHealthReset() {}

    public static void forgetAll(ApplicationContext context) {
        context.getBean(UpstreamHealth.class).forgetAll();
    }
}
