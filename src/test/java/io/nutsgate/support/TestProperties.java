package io.nutsgate.support;

import io.nutsgate.settings.NutsProperties;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@link NutsProperties} bound as the application binds them: every default, plus the given overrides. */
public final class TestProperties {

    private TestProperties() {}

    /** {@code overrides} use the property names under {@code nuts.}, e.g. {@code "upstream.timeout" -> "500ms"}. */
    public static NutsProperties with(Map<String, String> overrides) {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        overrides.forEach((key, value) -> source.put("nuts." + key, value));
        return new Binder(source).bindOrCreate("nuts", NutsProperties.class);
    }
}
