package io.nutsgate.protocol;

/** A deployment description that cannot be used; the message names the source, the field and the problem. */
public class InvalidDeploymentException extends RuntimeException {

    public InvalidDeploymentException(String message) {
        super(message);
    }

    public InvalidDeploymentException(String message, Throwable cause) {
        super(message, cause);
    }
}
