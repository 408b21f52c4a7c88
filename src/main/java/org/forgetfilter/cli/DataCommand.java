package org.forgetfilter.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.forgetfilter.data.CanonicalConverter;
import org.forgetfilter.data.ExampleWriter;
import org.forgetfilter.data.Format;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.data.TokenCounter;
import org.forgetfilter.io.OutputFolder;
import org.forgetfilter.data.build.AlpacaBuilder;
import org.forgetfilter.data.build.BbqBuilder;
import org.forgetfilter.data.build.Built;
import org.forgetfilter.data.build.DatasetStats;
import org.forgetfilter.data.build.HarmBuilder;
import org.forgetfilter.data.build.Mixer;
import org.forgetfilter.data.build.SquadBuilder;
import org.forgetfilter.data.build.Selector;
import org.forgetfilter.data.build.Splitter;
import org.forgetfilter.data.build.ToxicityBuilder;
import org.forgetfilter.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forgetfilter data ...}: read, convert, build, mix, split and describe finetuning data. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Finetuning data: convert customer files, build the paper's datasets from public sources, "
                + "mix noisy sets, split without leakage, and describe a file.",
        subcommands = {
                DataCommand.Convert.class, DataCommand.Bbq.class, DataCommand.Toxicity.class, DataCommand.Harm.class,
                DataCommand.Squad.class, DataCommand.Alpaca.class, DataCommand.Mix.class, DataCommand.Split.class, DataCommand.Select.class,
                DataCommand.Stats.class,
        })
public final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Writes a builder's examples and reports its notes on stderr. */
    static int write(CommandSpec spec, Built built, Path out) throws IOException {
        long n = ExampleWriter.writeAll(out, built.examples());
        PrintWriter err = spec.commandLine().getErr();
        built.notes().forEach(err::println);
        err.println("wrote " + n + " examples to " + out);
        err.flush();
        return 0;
    }

    static TokenCounter counter(CommandSpec spec, Path tokenizer) throws IOException {
        if (tokenizer == null) {
            spec.commandLine().getErr().println("no --tokenizer given: lengths are counted in whitespace words");
            return TokenCounter.words();
        }
        return TokenCounter.of(Tokenizers.load(tokenizer), tokenizer.getFileName().toString());
    }

    static Format format(String name) {
        return name == null ? null : Format.parse(name);
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Rewrite a file of any supported format (canonical, alpaca, chat, prompt-completion, text; "
                    + "JSON Lines or a JSON array, optionally .gz) as canonical JSON Lines.")
    static final class Convert implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--input", required = true, description = "input file")
        Path input;
        @Option(names = "--format", description = "record format (default: detected from the first record)")
        String format;
        @Option(names = "--skip-invalid", description = "skip invalid records (counted and reported) instead of failing")
        boolean skipInvalid;
        @Option(names = "--out", required = true, description = "output JSON Lines file")
        Path out;

        @Override
        public Integer call() throws IOException {
            OutputChecks.file(out, "data convert", input);
            CanonicalConverter.Result r = CanonicalConverter.convert(input, format(format), skipInvalid, out);
            PrintWriter err = spec.commandLine().getErr();
            String skipped = r.invalid().summary(input.toString());
            if (!skipped.isEmpty()) {
                err.println(skipped);
            }
            err.println("wrote " + r.written() + " examples (format " + r.format().cliName() + ") to " + out);
            return 0;
        }
    }

    @Command(name = "bbq", mixinStandardHelpOptions = true,
            description = "Bias examples from BBQ: unsafe = ambiguous questions answered with the stereotyped "
                    + "option; safe = ambiguous ones answered 'unknown' and disambiguated ones answered correctly.")
    static final class Bbq implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--input", required = true, description = "BBQ data folder (all *.jsonl) or one .jsonl file")
        Path input;
        @Option(names = "--out", required = true, description = "output JSON Lines file (written atomically)")
        Path out;

        @Override
        public Integer call() throws IOException {
            OutputChecks.file(out, "data bbq", input);
            return write(spec, new BbqBuilder().build(input), out);
        }
    }

    @Command(name = "toxicity", mixinStandardHelpOptions = true,
            description = "Toxicity examples from scored or annotated text (JSON with text + score or label; "
                    + "Davidson or Jigsaw CSV): unsafe above --unsafe-above, safe below --safe-below.")
    static final class Toxicity implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--input", required = true, description = "scored or annotated text: JSON Lines, or a Davidson or Jigsaw CSV")
        Path input;
        @Option(names = "--unsafe-above", defaultValue = "0.9", description = "toxicity score above which text is unsafe (default: ${DEFAULT-VALUE})")
        double unsafeAbove;
        @Option(names = "--safe-below", defaultValue = "0.1", description = "toxicity score below which text is safe (default: ${DEFAULT-VALUE})")
        double safeBelow;
        @Option(names = "--out", required = true, description = "output JSON Lines file (written atomically)")
        Path out;

        @Override
        public Integer call() throws IOException {
            OutputChecks.file(out, "data toxicity", input);
            return write(spec, new ToxicityBuilder(unsafeAbove, safeBelow).build(input), out);
        }
    }

    @Command(name = "harm", mixinStandardHelpOptions = true,
            description = "Harmful (unsafe) and safe responses to harmful requests.")
    static final class Harm implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--hh-rlhf", description = "hh-rlhf harmless-base JSONL(.gz): rejected = unsafe, chosen = safe")
        Path hh;
        @Option(names = "--demonstrations", description = "harmful demonstrations in chat format (unsafe)")
        Path demonstrations;
        @Option(names = "--safe-refusals", description = "Alpaca-format safe refusals, e.g. safety-tuned-llamas (safe)")
        Path refusals;
        @Option(names = "--out", required = true, description = "output JSON Lines file (written atomically)")
        Path out;

        @Override
        public Integer call() throws IOException {
            OutputChecks.file(out, "data harm", hh, demonstrations, refusals);
            return write(spec, new HarmBuilder().build(hh, demonstrations, refusals), out);
        }
    }

    @Command(name = "squad", mixinStandardHelpOptions = true,
            description = "Question-answering task examples from SQuAD v1.1 JSON, with a context window around the "
                    + "answer bounded in tokens.")
    static final class Squad implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--input", required = true, description = "SQuAD v1.1 JSON file")
        Path input;
        @Option(names = "--max-context-tokens", defaultValue = "128", description = "context tokens kept around the "
                + "answer (default: ${DEFAULT-VALUE})")
        int maxTokens;
        @Option(names = "--tokenizer", description = "tokenizer file or model folder (default: whitespace words)")
        Path tokenizer;
        @Option(names = "--out", required = true, description = "output JSON Lines file (written atomically)")
        Path out;

        @Override
        public Integer call() throws IOException {
            OutputChecks.file(out, "data squad", input, tokenizer);
            return write(spec, new SquadBuilder(counter(spec, tokenizer), maxTokens).build(input), out);
        }
    }

    @Command(name = "alpaca", mixinStandardHelpOptions = true,
            description = "Instruction task examples from Alpaca-format files (repeats kept once).")
    static final class Alpaca implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--input", required = true, description = "Alpaca JSON/JSONL file (repeatable)")
        List<Path> inputs;
        @Option(names = "--out", required = true, description = "output JSON Lines file (written atomically)")
        Path out;

        @Override
        public Integer call() throws IOException {
            OutputChecks.file(out, "data alpaca", inputs.toArray(Path[]::new));
            return write(spec, new AlpacaBuilder().build(inputs), out);
        }
    }

    @Command(name = "mix", mixinStandardHelpOptions = true,
            description = "The paper's noisy set: round(N*R) unsafe examples, the rest split equally between the "
                    + "safe set and each task set; shuffled, deterministic for a seed.")
    static final class Mix implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--unsafe", required = true, description = "unsafe examples to draw from")
        Path unsafe;
        @Option(names = "--safe", required = true, description = "safe examples to draw from")
        Path safe;
        @Option(names = "--task", description = "task set (repeatable)")
        List<Path> tasks = new ArrayList<>();
        @Option(names = "--n", required = true, description = "examples in the noisy set")
        int n;
        @Option(names = "--unsafe-ratio", defaultValue = "0.5", description = "R, the unsafe share (default: ${DEFAULT-VALUE})")
        double ratio;
        @Option(names = "--seed", required = true, description = "sampling and shuffling seed")
        long seed;
        @Option(names = "--out", required = true, description = "output JSON Lines file (written atomically)")
        Path out;

        @Override
        public Integer call() throws IOException {
            List<Path> inputs = new ArrayList<>(List.of(unsafe, safe));
            inputs.addAll(tasks);
            OutputChecks.file(out, "data mix", inputs.toArray(Path[]::new));
            return write(spec, new Mixer().mix(unsafe, safe, tasks, n, ratio, seed), out);
        }
    }

    @Command(name = "split", mixinStandardHelpOptions = true,
            description = "Disjoint splits by a grouping key (e.g. --by bbq_category,question_index for BBQ "
                    + "questions, --by article for SQuAD), records written as they came.")
    static final class Split implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--input", required = true, description = "data file to split")
        Path input;
        @Option(names = "--format", description = "record format (default: detected)")
        String format;
        @Option(names = "--by", required = true, split = ",", description = "key field(s), comma separated")
        List<String> by;
        @Option(names = "--fractions", required = true, split = ",", description = "e.g. 0.2,0.5,0.3")
        double[] fractions;
        @Option(names = "--seed", required = true, description = "seed of the group assignment")
        long seed;
        @Option(names = "--out", required = true, split = ",", description = "one output file per fraction")
        List<Path> outputs;

        @Override
        public Integer call() throws IOException {
            for (int i = 0; i < outputs.size(); i++) {
                OutputChecks.file(outputs.get(i), "data split", input);
                for (int j = 0; j < i; j++) {
                    if (OutputFolder.realPath(outputs.get(i)).equals(OutputFolder.realPath(outputs.get(j)))) {
                        throw new IllegalArgumentException("data split: --out names " + outputs.get(j) + " twice (as "
                                + "split " + (j + 1) + " and " + (i + 1) + "); the second would overwrite the first");
                    }
                }
            }
            Splitter.Result r = new Splitter().split(input, format(format), by, fractions, seed, outputs);
            PrintWriter err = spec.commandLine().getErr();
            for (int i = 0; i < outputs.size(); i++) {
                err.println("wrote " + r.records()[i] + " records (" + r.groups()[i] + " groups) to " + outputs.get(i));
            }
            return 0;
        }
    }

    @Command(name = "select", mixinStandardHelpOptions = true,
            description = "Records whose fields equal the given values (e.g. --where label=safe --where "
                    + "context_condition=ambig), optionally a seeded sample of --n of them, written as they came.")
    static final class Select implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--input", required = true, description = "data file to select from")
        Path input;
        @Option(names = "--format", description = "record format (default: detected)")
        String format;
        @Option(names = "--where", description = "FIELD=VALUE (repeatable; all must hold)")
        Map<String, String> where = new LinkedHashMap<>();
        @Option(names = "--n", defaultValue = "0", description = "sample size; 0 = every match (default: ${DEFAULT-VALUE})")
        int n;
        @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default: ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--out", required = true, description = "output JSON Lines file (written atomically)")
        Path out;

        @Override
        public Integer call() throws IOException {
            OutputChecks.file(out, "data select", input);
            Selector.Result r = new Selector().select(input, format(format), where, n, seed, out);
            spec.commandLine().getErr().println("wrote " + r.written() + " of " + r.matched() + " matching records to " + out);
            return 0;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Counts by label and category, and length percentiles in tokens (or whitespace words).")
    static final class Stats implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--input", description = "data file")
        Path input;
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "data file (the same as --input)")
        Path file;
        @Option(names = "--format", description = "record format (default: detected from the first record)")
        String format;
        @Option(names = "--skip-invalid", description = "skip invalid records (counted and reported) instead of failing")
        boolean skipInvalid;
        @Option(names = "--tokenizer", description = "tokenizer file or model folder to count tokens with (default: "
                + "whitespace words)")
        Path tokenizer;
        @Option(names = "--template", defaultValue = "instruction",
                description = "instruction, plain, raw or a template file (default: ${DEFAULT-VALUE})")
        String template;

        @Override
        public Integer call() throws IOException {
            if ((input == null) == (file == null)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), input == null
                        ? "data stats needs a data file: --input FILE" : "data stats takes one data file: --input or FILE, not both");
            }
            DatasetStats.Stats s = new DatasetStats().compute(input != null ? input : file, format(format), skipInvalid,
                    counter(spec, tokenizer), PromptTemplate.named(template));
            spec.commandLine().getOut().print(s.report());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
