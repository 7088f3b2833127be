package io.nutsgate.payout;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The math is a leaf feature: orders (capacity), valuation and fill build on it, so it must not reach back
 * into them or anything stateful.
 */
class PayoutBoundaryTests {

    @Test
    void shouldDependOnlyOnChainAndCommon() {
        classes()
                .that()
                .resideInAPackage("io.nutsgate.payout..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "io.nutsgate.payout..",
                        "io.nutsgate.chain..",
                        "io.nutsgate.common..",
                        "java..",
                        "io.swagger.v3.oas.annotations..")
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.nutsgate.payout"));
    }
}
