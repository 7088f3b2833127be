package io.nutsgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.bind.annotation.RestController;

/** Keeps the feature boundaries honest: small public surfaces, no cycles, constructor injection. */
class ArchitectureTests {

    // Imported once for all rules (an instance field was imported again for every test method), from our own
    // classes only: no jar on the classpath holds io.nutsgate.
    private static final JavaClasses main = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
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

    /** Pure math over the protocol's products: it knows the product list and nothing else of ours. */
    @Test
    void shouldKeepOptionMathALeaf() {
        noClasses()
                .that()
                .resideInAPackage("io.nutsgate.optionmath..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ourPackagesExcept("optionmath", "protocol"))
                .check(main);
    }

    @Test
    void shouldKeepTheProtocolRegistryALeaf() {
        noClasses()
                .that()
                .resideInAPackage("io.nutsgate.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ourPackagesExcept("protocol"))
                .check(main);
    }

    /** Every feature package but {@code common} (the shared envelope and value types) and the ones named. */
    private String[] ourPackagesExcept(String... allowed) {
        return main.stream()
                .map(c -> c.getPackageName())
                .filter(p -> p.startsWith("io.nutsgate."))
                .map(p -> p.substring("io.nutsgate.".length()).split("\\.")[0])
                .filter(p -> !p.equals("common") && !List.of(allowed).contains(p))
                .distinct()
                .map(p -> "io.nutsgate." + p + "..")
                .toArray(String[]::new);
    }
}
