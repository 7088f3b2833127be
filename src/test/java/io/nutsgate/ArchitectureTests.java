package io.nutsgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Controller;

/** Keeps the feature boundaries honest: small public surfaces, no cycles, constructor injection. */
class ArchitectureTests {

    // Imported once for all rules (an instance field was imported again for every test method), from our own
    // classes only: no jar on the classpath holds io.nutsgate.
    private static final JavaClasses main = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.nutsgate");

    /** Every controller: {@code @Controller} itself or an annotation that carries it, such as {@code @RestController}. */
    @Test
    void shouldKeepControllersPackagePrivate() {
        classes()
                .that()
                .areMetaAnnotatedWith(Controller.class)
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

    @Test
    void shouldKeepCommonALeaf() {
        noClasses()
                .that()
                .resideInAPackage("io.nutsgate.common..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ourPackagesExcept())
                .check(main);
    }

    /**
     * Push is transport: it learns what to send from events and asks the features through the ports it defines
     * ({@code FillSubmittedHandler}, {@code SubscriptionBudget}); it knows nothing of the chain reader, fill
     * submissions, the watch or the Thetanuts client.
     */
    @Test
    void shouldKeepPushFreeOfTheChainReaderAndTheWatch() {
        noClasses()
                .that()
                .resideInAPackage("io.nutsgate.push..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.nutsgate.indexer..",
                        "io.nutsgate.rpc..",
                        "io.nutsgate.capacity..",
                        "io.nutsgate.revenue..",
                        "io.nutsgate.submissions..",
                        "io.nutsgate.thetanuts..",
                        "io.nutsgate.positions..")
                .check(main);
    }

    /** Web, database, rate limits, settings, operator access and resilience serve every feature and use none. */
    @Test
    void shouldKeepThePlumbingFreeOfFeatures() {
        noClasses()
                .that()
                .resideInAnyPackage(PLUMBING)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ourPackagesExcept("web", "database", "ratelimit", "settings", "ops", "resilience", "protocol"))
                .check(main);
    }

    /** One way to retry: every retry is a {@code Retry} of {@code resilience.Retries}' one registry. */
    @Test
    void shouldMakeEveryRetryInTheOneRegistry() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.nutsgate.resilience..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName(RetryRegistry.class.getName())
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName(RetryConfig.class.getName())
                .check(main);
    }

    /** Views are built in one place: nothing calls into a controller, a controller only answers requests. */
    @Test
    void shouldNotCallIntoControllers() {
        noClasses()
                .that()
                .areNotMetaAnnotatedWith(Controller.class)
                .should()
                .dependOnClassesThat()
                .areMetaAnnotatedWith(Controller.class)
                .check(main);
    }

    /** One word per idea: two classes of the same name in two rooms (two {@code Side}s) are one idea named twice. */
    @Test
    void shouldNameEachTopLevelClassOnce() {
        classes()
                .that()
                .areTopLevelClasses()
                .and()
                .doNotHaveSimpleName("package-info")
                .should(haveAUniqueSimpleName())
                .check(main);
    }

    private static ArchCondition<JavaClass> haveAUniqueSimpleName() {
        Map<String, Long> counts = main.stream()
                .filter(JavaClass::isTopLevelClass)
                .collect(Collectors.groupingBy(JavaClass::getSimpleName, Collectors.counting()));
        return new ArchCondition<>("have a simple name no other top-level class has") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                if (counts.getOrDefault(item.getSimpleName(), 0L) > 1) {
                    events.add(SimpleConditionEvent.violated(item, item.getName() + " shares its simple name"));
                }
            }
        };
    }

    private static final String[] PLUMBING = {
        "io.nutsgate.web..",
        "io.nutsgate.database..",
        "io.nutsgate.ratelimit..",
        "io.nutsgate.settings..",
        "io.nutsgate.ops..",
        "io.nutsgate.resilience..",
        "io.nutsgate.jobs.."
    };

    /** Every feature package but {@code common} (the shared envelope and value types) and the ones named. */
    private static String[] ourPackagesExcept(String... allowed) {
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
