package org.forgetfilter.experiment;

import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.FloatTensor;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.infer.SequenceEncoder;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.train.StepRecord;
import org.forgetfilter.train.Trainer;
import org.forgetfilter.train.TrainingConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trained models of an experiment, cached on disk. One {@link LanguageModel} lives in memory; a stage's weights
 * are loaded into it on {@link #activate}. A finetuning stage is identified by a key hashed from its parent's
 * key, the ids of its training examples and its training config, so a rerun (or another method needing the same
 * model) finds it under {@code OUT/stages/<name>-<key>/} (a Hugging Face folder written atomically) and skips the
 * training.
 */
public final class ModelStages {
    private static final int KEEP_IN_MEMORY = 12;

    private final Path dir;
    private final LanguageModel model;
    private final PromptTemplate template;
    private final int maxLength;
    private final StageLog log;
    private final String baseKey;
    private final Map<String, Map<String, FloatTensor>> memory = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, FloatTensor>> e) {
            return size() > KEEP_IN_MEMORY && !baseKey.equals(e.getKey());
        }
    };
    private final Map<String, Path> paths = new LinkedHashMap<>();

    /** @param baseKey identifies the loaded model (e.g. a hash of its file), the root of every stage key */
    public ModelStages(Path dir, LanguageModel model, String baseKey, PromptTemplate template, int maxLength,
                       StageLog log) {
        this.baseKey = baseKey;
        this.dir = dir;
        this.model = model;
        this.template = template;
        this.maxLength = Math.min(maxLength, model.model().config().maxPositions());
        this.log = log;
        memory.put(baseKey, model.model().exportWeights());
    }

    public String baseKey() {
        return baseKey;
    }

    public LanguageModel model() {
        return model;
    }

    /** The folder of a finetuned stage (null for the base model). */
    public Path path(String key) {
        return paths.get(key);
    }

    /** Loads the weights of stage {@code key} into the model. */
    public void activate(String key) throws IOException {
        model.model().loadWeights(weights(key));
    }

    private Map<String, FloatTensor> weights(String key) throws IOException {
        Map<String, FloatTensor> w = memory.get(key);
        if (w == null) {
            Path p = paths.get(key);
            if (p == null) {
                throw new IllegalStateException("stage " + key + " was never trained or found in the cache");
            }
            w = HfModelDirectory.load(p).weights();
            memory.put(key, w);
        }
        return w;
    }

    /**
     * Registers a model trained elsewhere (the filter's M1 or delivered model) as stage {@code name} of
     * {@code parentKey} finetuned on {@code data} with {@code config}, so that every method asking for that stage
     * uses it instead of training its own. Returns the stage's key.
     */
    public String adopt(String name, String parentKey, List<Example> data, TrainingConfig config, Path folder) {
        if (folder == null || !Files.isRegularFile(folder.resolve(HfModelDirectory.PROVENANCE_FILE))) {
            throw new IllegalStateException(name + ": no finished model folder at " + folder);
        }
        String key = key(parentKey, data, config);
        paths.put(key, folder);
        log.record(name + " (adopted)", key, true, 0);
        return key;
    }

    /**
     * Finetunes stage {@code parentKey} on {@code data} and returns the new stage's key; taken from the cache when
     * present and {@code force} is false. {@code afterStep} runs after each optimizer step of a real training.
     */
    public String train(String name, String parentKey, List<Example> data, TrainingConfig config, boolean force,
                        Consumer<StepRecord> afterStep) throws IOException {
        String key = key(parentKey, data, config);
        Path folder = paths.computeIfAbsent(key, k -> folder(name, k));
        long start = System.nanoTime();
        if (!force && Files.isRegularFile(folder.resolve(HfModelDirectory.PROVENANCE_FILE))) {
            log.record(name, key, true, (System.nanoTime() - start) / 1e9);
            return key;
        }
        activate(parentKey);
        List<StepRecord> steps = new Trainer(model.model(), config, name).train(encode(data), afterStep);
        Map<String, FloatTensor> w = model.model().exportWeights();
        memory.put(key, w);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("stage", name);
        provenance.put("parent", parentKey);
        provenance.put("examples", data.size());
        provenance.put("training", config);
        provenance.put("finalLoss", steps.isEmpty() ? null : steps.get(steps.size() - 1).loss());
        HfModelDirectory.save(new Checkpoint(model.model().config(), w, model.tokenizer(), name + "-" + key), folder,
                SafetensorsDtype.F32, provenance);
        log.record(name, key, false, (System.nanoTime() - start) / 1e9);
        return key;
    }

    public List<TokenizedExample> encode(List<Example> data) {
        return new SequenceEncoder(model.tokenizer(), maxLength, true).encodeAll(data, template);
    }

    static String key(String parentKey, List<Example> data, TrainingConfig config) {
        return ExperimentConfig.hash(parentKey, TrainingSets.idsHash(data), config.toString());
    }

    private Path folder(String name, String key) {
        return dir.resolve(name + "-" + key);
    }
}
