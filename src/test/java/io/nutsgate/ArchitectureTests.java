package io.nutsgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.bind.annotation.RestController;

/** Keeps the feature boundaries honest: small public surfaces, no cycles, constructor injection. */
class ArchitectureTests {

    private final JavaClasses main = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.nutsgate");

    @Test
    void shouldKeepControllersPackagePrivate() {
        classes()
                .that()
                .areAnnotatedWith(RestController.class)
                .should()
                .notBePublic()
                .check(main);
    }

    @Test
    void shouldNotInjectIntoFields() {
        noFields().should().beAnnotatedWith(Autowired.class).check(main);
    }

    @Test
    void shouldHaveNoCyclesBetweenFeatures() {
        slices().matching("io.nutsgate.(*)..").should().beFreeOfCycles().check(main);
    }
}
