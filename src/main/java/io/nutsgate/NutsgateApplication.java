package io.nutsgate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class NutsgateApplication {

    public static void main(String[] args) {
        SpringApplication.run(NutsgateApplication.class, args);
    }
}
