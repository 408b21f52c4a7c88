package org.forgetfilter.experiment;

import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.forget.FilterConfig;
import org.forgetfilter.forget.FilterResult;
import org.forgetfilter.forget.ForgetFilter;
import org.forgetfilter.forget.ScoreType;
import org.forgetfilter.forget.ThresholdMethod;
import org.forgetfilter.train.TrainingConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ForgetFilter through the {@code forget} package's pipeline ({@link ForgetFilter#run}), exactly as a user runs
 * it: it finetunes M0 on the noisy set itself, safety-finetunes, scores and thresholds, caching under
 * {@code OUT/forgetfilter/<key>/}. The experiment still trains its own safety model for the
 * sequential-safety baseline (the library does not expose M2). Forgetting curves come from the library's
 * per-step scores.
 */
public final class LibraryForgetFilter implements ForgetFilterBackend {
    private final ModelStages stages;
    private final PromptTemplate template;
    private final ExperimentConfig config;
    private final Path dir;
    private final StageLog log;
    private final long seed;

    public LibraryForgetFilter(ModelStages stages, PromptTemplate template, ExperimentConfig config, Path dir,
                               StageLog log, long seed) {
        this.stages = stages;
        this.template = template;
        this.config = config;
        this.dir = dir;
        this.log = log;
        this.seed = seed;
    }

    @Override
    public Forgetting run(String m0Key, String noisyModelKey, List<Example> noisy, List<Example> safe, long runSeed)
            throws IOException {
        TrainingConfig ft = config.training("finetune", seed);
        TrainingConfig safety = config.training("safety", seed);
        int steps = safety.totalSteps(safe.size());
        int every = config.integer("forgetfilter.scoreEvery", 0);
        List<Integer> scoreAt = new ArrayList<>();
        for (int s = every; every > 0 && s < steps; s += every) {
            scoreAt.add(s);
        }
        ScoreType score = ScoreType.parse(config.at("forgetfilter.score").asText("loglik"));
        // The paper's decision (forgetting alone): these experiments replicate it and compare it with its baselines.
        FilterConfig fc = new FilterConfig(ft, safety, steps, scoreAt, score, false,
                ThresholdMethod.parse(config.at("forgetfilter.threshold").asText("auto")), null, false, template,
                config.integer("maxLength", 256), config.integer("evalBatchSize", 16),
                config.integer("generation.maxNewTokens", 24), seed);
        Path out = dir.resolve(ExperimentConfig.hash(m0Key, TrainingSets.idsHash(noisy), TrainingSets.idsHash(safe),
                fc.describe(), config.at("forgetfilter.threshold").asText("auto")));
        long start = System.nanoTime();
        stages.activate(m0Key);
        FilterResult r = new ForgetFilter(fc, out).run(stages.model(), noisy, safe, false);
        log.record("forgetfilter-library", out.getFileName().toString(), false, (System.nanoTime() - start) / 1e9);
        String m2 = stages.train("safety", noisyModelKey, safe, safety, false, null);
        double[] s1 = r.m1().deciding(score);
        double[] s2 = r.m2().deciding(score);
        Map<Integer, double[]> at = new TreeMap<>(r.atStep());
        int[] curveSteps = at.keySet().stream().mapToInt(Integer::intValue).toArray();
        double[][] curve = new double[curveSteps.length][];
        int k = 0;
        for (double[] scores : at.values()) {
            double[] f = new double[scores.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = s1[i] - scores[i];
            }
            curve[k++] = f;
        }
        return new Forgetting(m2, s1, s2, r.forgetting(), curveSteps, curve, r.threshold(), r.removed(),
                score.decidingName(), "library");
    }
}
