package org.forgetfilter.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.forgetfilter.infer.PaddedBatch;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.io.MemoryTrace;
import org.forgetfilter.io.Progress;
import org.forgetfilter.model.OwnedArrays;
import org.forgetfilter.model.TransformerLm;

/**
 * Finetunes a model on tokenized examples with AdamW: length-bucketed, shuffled batches, gradient accumulation,
 * a learning-rate schedule, clipping, one NDScope per micro-batch so native memory stays flat. Everything runs on
 * the calling thread (DJL's gradient recording is thread-local). Deterministic for a seed.
 */
public final class Trainer {
    /** Examples sorted together by length before being cut into batches, in batches (a bucket). */
    private static final int BUCKET_BATCHES = 32;
    private final TransformerLm model;
    private final TrainingConfig config;
    private final String stage;
    private final AdamW.Moments moments;

    public Trainer(TransformerLm model, TrainingConfig config) {
        this(model, config, "train");
    }

    /**
     * @param stage what this training is (e.g. {@code finetune_m1}), named in progress lines and in the error a
     *              diverging run fails with
     */
    public Trainer(TransformerLm model, TrainingConfig config, String stage) {
        this(model, config, stage, null);
    }

    /**
     * @param moments AdamW moment buffers to train in (zeroed first) when they fit the trainable parameters, or
     *                null: the trainer then allocates its own and frees them when it ends
     */
    public Trainer(TransformerLm model, TrainingConfig config, String stage, AdamW.Moments moments) {
        this.model = model;
        this.config = config;
        this.stage = stage;
        this.moments = moments;
    }

    /**
     * Trains and returns one record per optimizer step. {@code afterStep} runs after each optimizer step,
     * outside gradient recording (it may score or save the model).
     */
    public List<StepRecord> train(List<TokenizedExample> data, Consumer<StepRecord> afterStep) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        Engine.getInstance().setRandomSeed((int) config.seed());
        Random rnd = new Random(config.seed());
        int total = config.totalSteps(data.size());
        LrSchedule schedule = new LrSchedule(config.schedule(), config.learningRate(), config.warmupSteps(), total);
        List<StepRecord> log = new ArrayList<>();
        model.enableGradients();
        model.setTraining(true);
        Progress progress = new Progress(stage, total, "steps");
        List<NDArray> params = model.trainableParameters();
        try (NDManager state = model.manager().newSubManager();
             AdamW opt = moments != null && moments.fits(params)
                     ? new AdamW(moments, params, config.weightDecay(), config.maxGradNorm())
                     : new AdamW(state, params, config.weightDecay(), config.maxGradNorm())) {
            int epoch = 0;
            List<List<TokenizedExample>> batches = List.of();
            int cursor = 0;
            for (int step = 0; step < total; step++) {
                long start = System.nanoTime();
                List<List<TokenizedExample>> micro = new ArrayList<>();
                for (int a = 0; a < config.gradAccumulation(); a++) {
                    if (cursor >= batches.size()) {
                        epoch++;
                        batches = batches(data, rnd);
                        cursor = 0;
                    }
                    micro.add(batches.get(cursor++));
                }
                int targets = 0;
                for (List<TokenizedExample> b : micro) {
                    targets += targetCount(b);
                }
                double loss = 0;
                long tokens = 0;
                for (List<TokenizedExample> b : micro) {
                    try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
                        scope.suppressNotUsedWarning();
                        PaddedBatch batch = new PaddedBatch(m, b, config.promptLoss());
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            // Sum over this micro-batch / tokens of the whole step = mean over the step's tokens.
                            // (a libtorch-owned divisor: DJL's div(Number) would free it before backward)
                            NDArray l = batch.targetLogProbs(model).sum().neg()
                                    .div(OwnedArrays.scalar(m, (float) Math.max(1, targets)));
                            MemoryTrace.at(stage + " step " + (step + 1) + " forward");
                            loss += l.getFloat();
                            gc.backward(l);
                            MemoryTrace.at(stage + " step " + (step + 1) + " backward");
                        }
                        tokens += batch.realTokens();
                    }
                }
                float lr = schedule.at(step);
                // checked before the update: a NaN or infinite loss would otherwise be written into the weights
                if (!Double.isFinite(loss)) {
                    throw diverged("the training loss is " + loss, step, total, epoch, lr);
                }
                float norm;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    norm = opt.step(lr);
                    MemoryTrace.at(stage + " step " + (step + 1) + " optimizer");
                } catch (ArithmeticException e) {
                    ArithmeticException d = diverged("the gradient norm is not finite", step, total, epoch, lr);
                    d.initCause(e);
                    throw d;
                }
                StepRecord rec = new StepRecord(step + 1, epoch, loss, lr, norm, tokens, (System.nanoTime() - start) / 1e9);
                log.add(rec);
                progress.detail(String.format(Locale.ROOT, "loss %.4f", loss));
                progress.advance(1);
                if (afterStep != null) {
                    model.setTraining(false);
                    afterStep.accept(rec);
                    model.setTraining(true);
                }
            }
        } finally {
            model.setTraining(false);
            progress.finish();
        }
        return log;
    }

    /** The error of a run whose loss or gradients stopped being numbers, naming the stage and the step. */
    private ArithmeticException diverged(String what, int step, int total, int epoch, float lr) {
        return new ArithmeticException(String.format(Locale.ROOT, "%s: %s at optimizer step %d of %d (epoch %d, "
                + "learning rate %.3g); training diverged: lower the learning rate, or check the data and the model's "
                + "weights", stage, what, step + 1, total, epoch, lr));
    }

    private int targetCount(List<TokenizedExample> batch) {
        int n = 0;
        for (TokenizedExample e : batch) {
            n += config.promptLoss() ? e.length() - 1 : e.response().length;
        }
        return n;
    }

    /**
     * One epoch's batches: shuffle, sort each bucket of {@value #BUCKET_BATCHES} batches by length (little
     * padding), cut into batches, shuffle the batch order.
     */
    private List<List<TokenizedExample>> batches(List<TokenizedExample> data, Random rnd) {
        List<TokenizedExample> shuffled = new ArrayList<>(data);
        Collections.shuffle(shuffled, rnd);
        int bucket = config.batchSize() * BUCKET_BATCHES;
        List<List<TokenizedExample>> out = new ArrayList<>();
        for (int s = 0; s < shuffled.size(); s += bucket) {
            List<TokenizedExample> chunk = new ArrayList<>(shuffled.subList(s, Math.min(shuffled.size(), s + bucket)));
            chunk.sort(Comparator.comparingInt(TokenizedExample::length));
            for (int b = 0; b < chunk.size(); b += config.batchSize()) {
                out.add(chunk.subList(b, Math.min(chunk.size(), b + config.batchSize())));
            }
        }
        Collections.shuffle(out, rnd);
        return out;
    }
}
