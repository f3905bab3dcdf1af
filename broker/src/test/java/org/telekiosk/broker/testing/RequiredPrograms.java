package org.telekiosk.broker.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Debian programs a test class drives (headless Chromium, coturn, Mosquitto, HAProxy). They are not on a fresh machine
 * (README, "Prerequisites"; {@code .ci/run} installs them): a class annotated with this fails at once, before any
 * broker or browser starts, with one line naming what is missing and the package that brings it, for example
 * {@code needs /usr/bin/chromedriver: apt-get install chromium-driver}. Declared on the class, it runs before the
 * class's {@code @RegisterExtension} fields (JUnit registers declared extensions first).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RequiredPrograms.Check.class)
public @interface RequiredPrograms {
    Program[] value();

    /** A program at its Debian path and the package that installs it. */
    enum Program {
        CHROMIUM("/usr/bin/chromium", "chromium"),
        CHROMEDRIVER("/usr/bin/chromedriver", "chromium-driver"),
        TURNSERVER("/usr/bin/turnserver", "coturn"),
        MOSQUITTO("/usr/sbin/mosquitto", "mosquitto"),
        HAPROXY("/usr/sbin/haproxy", "haproxy");

        private final Path path;
        private final String debianPackage;

        Program(String path, String debianPackage) {
            this.path = Path.of(path);
            this.debianPackage = debianPackage;
        }

        public Path path() {
            return path;
        }

        public String debianPackage() {
            return debianPackage;
        }

        /** Fails with the one-line message unless the program is installed. */
        public void require() {
            Check.require(List.of(new Check.Needed(path, debianPackage)));
        }
    }

    /** The extension behind the annotation; {@link #require} is the one check every caller goes through. */
    final class Check implements BeforeAllCallback {
        /** A program's path and the package that installs it. */
        public record Needed(Path path, String debianPackage) {
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            RequiredPrograms required = context.getRequiredTestClass().getAnnotation(RequiredPrograms.class);
            if (required != null) {
                require(Arrays.stream(required.value()).map(p -> new Needed(p.path(), p.debianPackage())).toList());
            }
        }

        /**
         * Throws an {@link AssertionError} saying {@code needs <paths>: apt-get install <packages>} for every program
         * of {@code needed} that is not an executable file; returns quietly when all are.
         */
        public static void require(List<Needed> needed) {
            List<Needed> missing = needed.stream().filter(n -> !Files.isExecutable(n.path())).toList();
            if (!missing.isEmpty()) {
                throw new AssertionError("needs " + missing.stream().map(n -> n.path().toString())
                        .collect(Collectors.joining(", ")) + ": apt-get install " + missing.stream()
                        .map(Needed::debianPackage).distinct().collect(Collectors.joining(" ")));
            }
        }
    }
}
