package io.nutsgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/layout.md names every top-level package of the tree, and only those: the map cannot drift from the land. */
class LayoutDocTests {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z]+)` \\|", Pattern.MULTILINE);

    @Test
    void shouldListExactlyThePackagesOfTheTree() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher rows = ROW.matcher(Files.readString(Path.of("docs/layout.md")));
        while (rows.find()) {
            documented.add(rows.group(1));
        }
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> children = Files.list(Path.of("src/main/java/io/nutsgate"))) {
            children.filter(Files::isDirectory)
                    .filter(LayoutDocTests::holdsJava)
                    .forEach(dir -> packages.add(dir.getFileName().toString()));
        }
        assertThat(documented).as("packages in docs/layout.md").isEqualTo(packages);
    }

    private static boolean holdsJava(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
