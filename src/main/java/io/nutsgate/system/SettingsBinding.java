package io.nutsgate.system;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.origin.SystemEnvironmentOrigin;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Makes a {@code nuts.*} setting that cannot work refuse the start-up with the environment variable named (as the
 * deployment knows it, e.g. {@code NUTS_CACHE_TTL_ORDERS}, found from the {@code ${VARIABLE:default}} placeholder in
 * {@code application.yml}): a value that does not convert, a duration without a unit (Spring would read
 * {@code 30} as 30 ms) and a negative duration. Messages never repeat the value.
 */
@Component
class SettingsBinding implements ConfigurationPropertiesBindHandlerAdvisor {

    private static final Pattern PLACEHOLDER = Pattern.compile("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:.*)?}$");
    private static final Pattern UNITLESS = Pattern.compile("^\\s*[-+]?\\d+\\s*$");
    private static final ConfigurationPropertyName NUTS = ConfigurationPropertyName.of("nuts");

    private final Environment environment;

    SettingsBinding(Environment environment) {
        this.environment = environment;
    }

    @Override
    public BindHandler apply(BindHandler handler) {
        return new AbstractBindHandler(handler) {
            @Override
            public Object onSuccess(
                    ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
                if (NUTS.isAncestorOf(name) && result instanceof Duration duration) {
                    ConfigurationProperty property = context.getConfigurationProperty();
                    if (property != null && property.getValue() != null) {
                        String value = environment.resolvePlaceholders(
                                property.getValue().toString());
                        if (UNITLESS.matcher(value).matches()) {
                            throw new StartupRefusedException(describe(name, property)
                                    + " is a duration without a unit; write it with one, e.g. 30s, 500ms, 5m, 1h, 7d");
                        }
                    }
                    if (duration.isNegative()) {
                        throw new StartupRefusedException(describe(name, property) + " must not be negative");
                    }
                }
                return super.onSuccess(name, target, context, result);
            }

            @Override
            public Object onFailure(
                    ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error)
                    throws Exception {
                if (!NUTS.isAncestorOf(name)
                        || error instanceof BindException
                        || error instanceof BindValidationException
                        || error instanceof StartupRefusedException) {
                    return super.onFailure(name, target, context, error);
                }
                Class<?> type = target.getType().resolve(Object.class);
                String hint = type == Duration.class ? ": write a number with a unit, e.g. 30s, 500ms, 5m, 1h, 7d" : "";
                throw new StartupRefusedException(
                        describe(name, context.getConfigurationProperty()) + " is not a valid "
                                + type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + hint,
                        error);
            }
        };
    }

    /** {@code NUTS_CACHE_TTL_ORDERS (nuts.cache.ttl.orders)}, or the property alone when no variable feeds it. */
    static String describe(ConfigurationPropertyName name, ConfigurationProperty property) {
        String variable = property == null
                ? null
                : property.getOrigin() instanceof SystemEnvironmentOrigin env
                        ? env.getProperty()
                        : variable(property.getValue());
        return variable == null ? name.toString() : variable + " (" + name + ")";
    }

    /** The environment variable named by a raw {@code ${VARIABLE:default}} value, or null. */
    static String variable(Object rawValue) {
        if (rawValue == null) return null;
        Matcher matcher = PLACEHOLDER.matcher(rawValue.toString().strip());
        return matcher.matches() ? matcher.group(1) : null;
    }
}
