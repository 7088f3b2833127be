package io.nutsgate.settings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
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
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Makes a setting that cannot work refuse the start-up in one line naming the environment variable (as the
 * deployment knows it, e.g. {@code NUTS_CACHE_TTL_ORDERS}) and the property, what is wrong and an example of a good
 * value (the default from {@code application.yml}): a value that does not convert to its type, a duration without a
 * unit (Spring would read {@code 30} as 30 ms) and a negative duration. Messages never repeat the value.
 */
@Component
class SettingsBinding implements ConfigurationPropertiesBindHandlerAdvisor {

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
                                    + " is a duration without a unit; write it with one"
                                    + example(name, Duration.class));
                        }
                    }
                    if (duration.isNegative()) {
                        throw new StartupRefusedException(
                                describe(name, property) + " must not be negative" + example(name, Duration.class));
                    }
                }
                return super.onSuccess(name, target, context, result);
            }

            @Override
            public Object onFailure(
                    ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error)
                    throws Exception {
                ConfigurationProperty property = context.getConfigurationProperty();
                boolean ours = NUTS.isAncestorOf(name) || (property != null && variable(property) != null);
                if (!ours
                        || error instanceof BindException
                        || error instanceof BindValidationException
                        || error instanceof StartupRefusedException) {
                    return super.onFailure(name, target, context, error);
                }
                Class<?> type = target.getType().resolve(Object.class);
                if (Collection.class.isAssignableFrom(type)) {
                    type = target.getType().resolveGeneric(0);
                }
                throw new StartupRefusedException(
                        describe(name, property) + " is not " + kind(type) + example(name, type), error);
            }
        };
    }

    /** {@code NUTS_CACHE_TTL_ORDERS (nuts.cache.ttl.orders)}, or the property alone when no variable feeds it. */
    static String describe(ConfigurationPropertyName name, ConfigurationProperty property) {
        return SettingNames.describe(name.toString(), property == null ? null : variable(property));
    }

    private static String variable(ConfigurationProperty property) {
        String fromOrigin = SettingNames.variable(property.getOrigin());
        return fromOrigin != null ? fromOrigin : SettingNames.placeholderVariable(property.getValue());
    }

    /** What a value of {@code type} is, in words. */
    private static String kind(Class<?> type) {
        if (type == null) return "a valid value";
        if (type == Duration.class) return "a duration";
        if (type == DataSize.class) return "a size (a number with B, KB, MB or GB)";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type)) return "a number";
        if (type == URI.class) return "a URL";
        if (type == Path.class) return "a file path";
        if (type.isEnum()) return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        return "a valid " + type.getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** {@code ; e.g. 30s}: the default of the setting in {@code application.yml}, or one for the type. */
    private String example(ConfigurationPropertyName name, Class<?> type) {
        String example = SettingNames.example(environment, name.toString());
        if (example == null) {
            if (type == Duration.class) example = "30s, 500ms, 5m, 1h, 7d";
            else if (type == Boolean.class || type == boolean.class) example = "true";
            else if (type == DataSize.class) example = "1MB";
            else if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
                example = "10";
            } else return "";
        }
        return "; e.g. " + example;
    }
}
