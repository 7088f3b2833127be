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

/**
 * docs/layout.md and the README's layout section name every top-level package of the tree, and only those: the maps
 * cannot drift from the land.
 */
class LayoutDocTests {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z]+)` \\|", Pattern.MULTILINE);

    private static final Pattern ROOM = Pattern.compile("`([a-z]+)`");

    @Test
    void shouldListExactlyThePackagesOfTheTree() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher rows = ROW.matcher(Files.readString(Path.of("docs/layout.md")));
        while (rows.find()) {
            documented.add(rows.group(1));
        }
        assertThat(documented).as("packages in docs/layout.md").isEqualTo(packages());
    }

    @Test
    void shouldNameExactlyThePackagesOfTheTreeInTheReadmesLayoutSection() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("## Layout");
        assertThat(start).as("README has a ## Layout section").isNotNegative();
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        Set<String> named = new TreeSet<>();
        for (String line : section.split("\n")) {
            if (line.startsWith("| `")) { // a row's first cell lists its rooms
                Matcher rooms = ROOM.matcher(line.substring(1, line.indexOf('|', 1)));
                while (rooms.find()) {
                    named.add(rooms.group(1));
                }
            }
        }
        assertThat(named).as("packages in the README's layout section").isEqualTo(packages());
    }

    private static Set<String> packages() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> children = Files.list(Path.of("src/main/java/io/nutsgate"))) {
            children.filter(Files::isDirectory)
                    .filter(LayoutDocTests::holdsJava)
                    .forEach(dir -> packages.add(dir.getFileName().toString()));
        }
        return packages;
    }

    private static boolean holdsJava(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
