package org.forgetfilter.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import ai.djl.engine.Engine;
import ai.djl.pytorch.engine.PtEngine;
import ai.djl.pytorch.jni.JniUtils;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.forgetfilter.cli.Main;
import org.forgetfilter.forget.ShardMerge;
import picocli.CommandLine;

/**
 * Runs the per-example stages of one {@code forgetfilter filter} run as a Spark job: one task trains M1
 * ({@code --stage finetune_m1}, reused when already there), then N tasks each compute one shard
 * ({@code --stage S --shard I/N}) in-process on an executor, writing {@code OUT/stages/S/shard-I-of-N.json} into
 * the shared output folder; then the driver runs {@code forgetfilter merge --out OUT}. A plain {@code filter} with
 * the same options afterwards reuses the merged stages and writes the outputs of a single-JVM run.
 *
 * <p>Nothing is computed here: every step is the core's command line ({@link Main#commandLine()}), so the scores,
 * shard files and merge are the core's own. The model, data and {@code --out} paths must name the same files on
 * every executor (shared storage).
 */
public final class SparkFilter {
    static final String USAGE = "usage: SparkFilter --shards N [--stage scores_m1|proximity|safety (default "
            + "safety)] FILTER-OPTIONS... (the options of forgetfilter filter, with --out on shared storage; not "
            + "--stage or --shard)";

    private SparkFilter() {
    }

    /** What the command line asks for: {@code --shards N [--stage S]}, then the filter options. */
    record Job(int shards, String stage, List<String> filterOptions) {
        static Job parse(String... args) {
            int shards = -1;
            String stage = "safety";
            int i = 0;
            for (; i + 1 < args.length && (args[i].equals("--shards") || args[i].equals("--stage")); i += 2) {
                if (args[i].equals("--shards")) {
                    try {
                        shards = Integer.parseInt(args[i + 1]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--shards " + args[i + 1] + ": not a number; " + USAGE);
                    }
                } else {
                    stage = args[i + 1];
                }
            }
            if (shards < 1) {
                throw new IllegalArgumentException("--shards N (at least 1) first; " + USAGE);
            }
            return new Job(shards, stage, List.of(args).subList(i, args.length));
        }
    }

    public static void main(String[] args) {
        Job job;
        try {
            job = Job.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("forgetfilter-spark: " + e.getMessage());
            System.exit(2);
            return;
        }
        SparkConf conf = new SparkConf().setAppName("forgetfilter filter --stage " + job.stage() + " on "
                + job.shards() + " shards");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            System.out.print(run(sc, job.shards(), job.stage(), job.filterOptions()));
        }
    }

    /**
     * Trains M1 in one task, computes the {@code shards} shards of the per-example stages up to {@code stage} in as
     * many tasks, merges them on the driver; returns what the steps printed. Throws when a step exits non-zero (a
     * failed shard task is retried by Spark up to spark.task.maxFailures; rerunning a shard is idempotent).
     */
    public static String run(JavaSparkContext sc, int shards, String stage, List<String> filterOptions) {
        if (!ShardMerge.STAGES.contains(stage)) {
            throw new IllegalArgumentException("--stage " + stage + ": the per-example stages are "
                    + String.join(", ", ShardMerge.STAGES));
        }
        if (shards < 1) {
            throw new IllegalArgumentException("--shards " + shards + ": at least 1");
        }
        for (String a : filterOptions) {
            if (a.equals("--stage") || a.startsWith("--stage=") || a.equals("--shard") || a.startsWith("--shard=")) {
                throw new IllegalArgumentException(a + ": the Spark job sets --stage and --shard itself");
            }
        }
        String out = outOption(filterOptions);
        ArrayList<String> options = new ArrayList<>(filterOptions);
        StringBuilder log = new StringBuilder();

        ArrayList<String> m1 = command(options, "--stage", "finetune_m1");
        sc.setJobDescription("forgetfilter: M1 (--stage finetune_m1)");
        log.append(sc.parallelize(List.of(0), 1).map(i -> cli(m1)).collect().get(0));

        sc.setJobDescription("forgetfilter: --stage " + stage + " on " + shards + " shards");
        List<Integer> indices = IntStream.range(0, shards).boxed().collect(Collectors.toList());
        List<String> shardLogs = sc.parallelize(indices, shards)
                .map(i -> cli(command(options, "--stage", stage, "--shard", i + "/" + shards)))
                .collect();
        shardLogs.forEach(log::append);

        log.append(cli(new ArrayList<>(List.of("merge", "--out", out))));
        return log.toString();
    }

    /** {@code filter OPTIONS EXTRA...}. */
    private static ArrayList<String> command(List<String> options, String... extra) {
        ArrayList<String> a = new ArrayList<>();
        a.add("filter");
        a.addAll(options);
        a.addAll(List.of(extra));
        return a;
    }

    /**
     * Held by the one core command running in this JVM. DJL's gradient collector is one per JVM ("A
     * PtGradientCollector is already collecting. Only one can be collecting at a time"): two tasks of one executor
     * that both train (finetune_m1, the safety stage's M2) would fail. Tasks on one executor run one after another;
     * the parallelism is across executors (spark.task.cpus = spark.executor.cores gives each task the executor's
     * cores for libtorch; README, Spark).
     */
    private static final Object ONE_AT_A_TIME = new Object();

    /** Runs the core's command line in this JVM; returns its stdout, throws with its stderr when it fails. */
    static String cli(List<String> args) {
        synchronized (ONE_AT_A_TIME) {
            return cliAlone(args);
        }
    }

    private static String cliAlone(List<String> args) {
        // libtorch's grad mode is per thread, and DJL turns it off only on the thread that loads the engine (a
        // command-line run's main thread). A Spark task runs on an executor pool thread, where it is still on: the
        // optimizer's in-place update of M1's weights would fail ("a leaf Variable that requires grad is being
        // used in an in-place operation"). Give the task's thread the state of the command line's.
        Engine.getEngine(PtEngine.ENGINE_NAME);
        JniUtils.setGradMode(false);
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException("forgetfilter " + String.join(" ", args) + ": exit code " + code + "\n"
                    + err);
        }
        return out.toString();
    }

    /** The value of {@code --out} among the filter options: where the shards go and what merge reads. */
    static String outOption(List<String> options) {
        String out = null;
        for (int i = 0; i < options.size(); i++) {
            String a = options.get(i);
            if (a.equals("--out") && i + 1 < options.size()) {
                out = options.get(i + 1);
            } else if (a.startsWith("--out=")) {
                out = a.substring("--out=".length());
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("the filter options need --out DIR, a folder every executor sees");
        }
        return out;
    }
}
