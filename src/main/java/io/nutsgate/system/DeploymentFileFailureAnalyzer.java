package io.nutsgate.system;

import io.nutsgate.protocol.InvalidDeploymentException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A refused {@code NUTS_DEPLOYMENT_FILE} ends the start-up with the variable, the file and the problem named. */
class DeploymentFileFailureAnalyzer extends AbstractFailureAnalyzer<InvalidDeploymentException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidDeploymentException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Fix the deployment file (format in the README, 'Running against the devnet'), or unset "
                        + "NUTS_DEPLOYMENT_FILE to use the built-in r12 and r10 deployments.",
                cause);
    }
}
