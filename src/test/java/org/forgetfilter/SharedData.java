package org.forgetfilter;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates ../shared/data (real public data sets and the stories260K model). Tests that need it call
 * {@link #require(String)}: on a user's fresh clone without the folder they are skipped; CI checks that the
 * folder exists, so there they always run.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path root() {
        String prop = System.getProperty("forgetfilter.sharedData");
        return (prop != null ? Path.of(prop) : Path.of("..", "shared", "data")).toAbsolutePath().normalize();
    }

    /** The path below the shared data folder; skips the calling test when it does not exist. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "shared data not present: " + p);
        return p;
    }
}
