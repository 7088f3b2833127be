package io.nutsgate.system;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootExceptionReporter;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * A start-up refused for a reason the operator can fix ({@link StartupRefusedException}: a setting that cannot work,
 * the embedded database folder in use) or a setting that fails validation is reported as one line, without a stack
 * trace; everything else is left to Spring Boot's own failure analysis. Registered in {@code META-INF/spring.factories}
 * ahead of Spring Boot's reporter.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class StartupFailureReporter implements SpringBootExceptionReporter {

    private static final Logger log = LoggerFactory.getLogger("io.nutsgate.Startup");

    @Override
    public boolean reportException(Throwable failure) {
        String reason = reason(failure);
        if (reason == null) {
            return false;
        }
        log.error("nutsgate cannot start: {}", reason);
        return true;
    }

    /** The one line for {@code failure}, or null when it is not a refusal we describe ourselves. */
    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StartupRefusedException refused) {
                return refused.getMessage();
            }
            if (t instanceof BindValidationException invalid) {
                return describe(invalid);
            }
            if (t.getCause() == t) break;
        }
        return null;
    }

    private static String describe(BindValidationException invalid) {
        List<String> problems = new ArrayList<>();
        for (ObjectError error : invalid.getValidationErrors()) {
            String message = error.getDefaultMessage();
            if (error instanceof FieldError field && message != null && !message.matches("^[A-Z][A-Z0-9_]+ .*")) {
                String property = invalid.getValidationErrors().getName() + "." + field.getField();
                String named = property;
                for (ConfigurationProperty bound : invalid.getValidationErrors().getBoundProperties()) {
                    if (bound.getName().toString().equalsIgnoreCase(property.replaceAll("([A-Z])", "-$1"))) {
                        named = SettingsBinding.describe(bound.getName(), bound);
                    }
                }
                problems.add(named + " " + message);
            } else {
                problems.add(message);
            }
        }
        return String.join("; ", problems);
    }
}
