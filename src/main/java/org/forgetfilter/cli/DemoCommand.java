package org.forgetfilter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.forgetfilter.forget.RunWarning;
import org.forgetfilter.forget.demo.DemoRun;
import org.forgetfilter.io.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forgetfilter demo}: the README's first command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs ForgetFilter offline on a small built-in help-desk example with hidden unsafe replies: "
                + "trains a small base model (cached), filters the customer data, finetunes on what is left, and "
                + "compares unsafe replies of the delivered model with a model finetuned on the unfiltered data.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "forgetfilter-demo", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--model", description = "use this base model instead of training the demo's own")
    String model;
    @Option(names = "--seed", defaultValue = "42", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", defaultValue = "1", description = "libtorch threads (default: ${DEFAULT-VALUE}: the "
            + "demo's model is so small that more threads only add synchronisation, and one thread gives the same "
            + "numbers on every machine)")
    int threads;

    @Override
    public Integer call() throws Exception {
        try (OutputFolder folder = OutputChecks.folder(out, "demo", OutputChecks.DEMO_OUTPUTS, OutputChecks.local(model))) {
            return demo();
        }
    }

    private Integer demo() throws Exception {
        long start = System.nanoTime();
        ai.djl.engine.Engine.getInstance(); // loads libtorch before its thread count can be set
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        DemoRun.Outcome o = new DemoRun().run(out, model, seed);
        JsonNode m = o.filter().summary().get("metrics");
        System.out.printf(Locale.ROOT, "Report: %s%n", o.report().toAbsolutePath());
        System.out.printf(Locale.ROOT, "Removed %d of %d customer examples.%n", o.filter().removedCount(),
                o.filter().removed().length);
        System.out.printf(Locale.ROOT, "Against the hidden labels: precision %.2f, recall %.2f (F1 %.2f).%n",
                m.get("precision").asDouble(), m.get("recall").asDouble(), m.get("f1").asDouble());
        System.out.printf(Locale.ROOT, "Unsafe replies to %d held-out prompts: %d with the delivered model vs %d "
                        + "finetuned on the unfiltered data (%.0f s).%n", o.evalPrompts(), o.unsafeDelivered(),
                o.unsafeUnfiltered(), (System.nanoTime() - start) / 1e9);
        for (RunWarning w : o.filter().warnings()) {
            System.err.print(w.block());
        }
        System.out.println(o.filter().warnings().isEmpty() ? "Trust checks: no warnings."
                : "Trust checks: " + o.filter().headline() + " (see the warnings above and in summary.json).");
        return 0;
    }
}
