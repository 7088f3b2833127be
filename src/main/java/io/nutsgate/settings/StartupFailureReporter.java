package io.nutsgate.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Pattern NAMED = Pattern.compile("^([A-Z][A-Z0-9_]+)( [^(].*)$");
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
            if (!(error instanceof FieldError field) || message == null) {
                problems.add(message);
                continue;
            }
            String property = invalid.getValidationErrors().getName() + "." + kebab(field.getField());
            ConfigurationProperty bound = invalid.getValidationErrors().getBoundProperties().stream()
                    .filter(p -> p.getName().toString().equals(property))
                    .findFirst()
                    .orElse(null);
            Matcher named = NAMED.matcher(message);
            if (named.matches()) {
                // "NUTS_X must be …" from the annotation: the property goes beside the variable
                problems.add(bound == null ? message : named.group(1) + " (" + property + ")" + named.group(2));
            } else {
                problems.add(
                        (bound == null ? property : SettingsBinding.describe(bound.getName(), bound)) + " " + message);
            }
        }
        return String.join("; ", problems);
    }

    /** {@code chain.maxBlockRange} as the property is named: {@code chain.max-block-range}. */
    private static String kebab(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
