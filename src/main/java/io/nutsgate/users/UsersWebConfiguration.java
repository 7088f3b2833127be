package io.nutsgate.users;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/** Puts {@link StrictProfileReader} ahead of the application's JSON converter for the profile body. */
@Configuration(proxyBeanMethods = false)
class UsersWebConfiguration implements WebMvcConfigurer {

    private final JsonMapper json;

    UsersWebConfiguration(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder converters) {
        converters.addCustomConverter(new StrictProfileReader(json));
    }
}
