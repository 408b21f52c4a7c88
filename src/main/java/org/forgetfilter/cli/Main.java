package org.forgetfilter.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/forgetfilter}: parses the command line and delegates to one subcommand. */
@Command(name = "forgetfilter", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Filters unsafe examples out of finetuning data by how fast a model forgets them "
                + "(Zhao et al., ICML 2024), and finetunes GPT-2 and LLaMA models in Java.",
        subcommands = {
                CommandLine.HelpCommand.class,
                ConvertCommand.class,
                DataCommand.class,
                FilterCommand.class,
                MergeCommand.class,
                DemoCommand.class,
                BenchCommand.class,
                GenerateCommand.class,
                FinetuneCommand.class,
                ScoreCommand.class,
                EvalCommand.class,
                ExperimentCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("forgetfilter: " + ErrorMessage.of(ex));
            if (Boolean.getBoolean("forgetfilter.debug")) {
                ex.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cl;
    }

    /** --version: the version the build wrote ({@link org.forgetfilter.io.Provenance#toolVersion}). */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {org.forgetfilter.io.Provenance.toolVersion()};
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
