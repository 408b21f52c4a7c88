package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the real command line in-process and captures what it prints on stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Runs and asserts exit code 0, showing stderr otherwise. */
    static CliRun ok(String... args) {
        CliRun r = of(args);
        assertEquals(0, r.exitCode(), () -> "exit code of " + String.join(" ", args) + "; stderr: " + r.err());
        return r;
    }
}
