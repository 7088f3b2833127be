package io.nutsgate.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.SystemEnvironmentOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * How a setting is named in a refusal: by the environment variable the operator set ({@code PORT}, found from the
 * value's origin or from the {@code ${PORT:8080}} placeholder in {@code application.yml}) with the property beside it,
 * and the default of that placeholder as the example of a good value.
 */
final class SettingNames {

    private static final Pattern PLACEHOLDER = Pattern.compile("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::(.*))?}$");

    private SettingNames() {}

    /** {@code PORT (server.port)}, or the property alone when no variable feeds it. */
    static String describe(String property, String variable) {
        return variable == null ? property : variable + " (" + property + ")";
    }

    /** {@code describe} for a property read straight from the environment (before any binding). */
    static String describe(Environment environment, String property) {
        return describe(property, variable(environment, property));
    }

    /** The environment variable a value came from, when its origin says so. */
    static String variable(Origin origin) {
        for (Origin o = origin; o != null; o = o.getParent()) {
            if (o instanceof SystemEnvironmentOrigin env) {
                return env.getProperty();
            }
            if (o instanceof PropertySourceOrigin source) {
                if (source.getOrigin() instanceof SystemEnvironmentOrigin env) {
                    return env.getProperty();
                }
                if (source.getPropertySource() instanceof SystemEnvironmentPropertySource) {
                    return source.getPropertyName();
                }
            }
        }
        return null;
    }

    /**
     * The variable that feeds {@code property}: the one it was read from, or the one its first {@code ${VAR:default}}
     * placeholder names; null when neither (e.g. a {@code --server.port=…} argument).
     */
    static String variable(Environment environment, String property) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            return null;
        }
        for (PropertySource<?> source : configurable.getPropertySources()) {
            Object raw = source.getProperty(property);
            if (raw == null) {
                continue;
            }
            if (source instanceof OriginLookup<?> lookup) {
                @SuppressWarnings("unchecked")
                String fromOrigin = variable(((OriginLookup<String>) lookup).getOrigin(property));
                if (fromOrigin != null) {
                    return fromOrigin;
                }
            }
            if (source instanceof SystemEnvironmentPropertySource) {
                return property;
            }
            Matcher placeholder = PLACEHOLDER.matcher(raw.toString().strip());
            return placeholder.matches() ? placeholder.group(1) : null;
        }
        return null;
    }

    /** The default of the placeholder that feeds {@code property} ({@code 8080} for {@code ${PORT:8080}}), or null. */
    static String example(Environment environment, String property) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            return null;
        }
        for (PropertySource<?> source : configurable.getPropertySources()) {
            Object raw = source.getProperty(property);
            if (raw == null) {
                continue;
            }
            Matcher placeholder = PLACEHOLDER.matcher(raw.toString().strip());
            if (placeholder.matches()
                    && placeholder.group(2) != null
                    && !placeholder.group(2).isBlank()) {
                return placeholder.group(2);
            }
        }
        return null;
    }

    /** The variable a raw {@code ${VARIABLE:default}} value names, or null. */
    static String placeholderVariable(Object rawValue) {
        if (rawValue == null) return null;
        Matcher matcher = PLACEHOLDER.matcher(rawValue.toString().strip());
        return matcher.matches() ? matcher.group(1) : null;
    }
}
