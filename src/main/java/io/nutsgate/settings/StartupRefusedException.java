package io.nutsgate.settings;

/**
 * A setting or a condition that makes the service unable to work, found at start-up. Its message is meant for the
 * operator as it is (one line naming the variable or the folder, never a secret): {@link StartupFailureReporter}
 * logs it without a stack trace.
 */
public class StartupRefusedException extends RuntimeException {

    public StartupRefusedException(String message) {
        super(message);
    }

    public StartupRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
