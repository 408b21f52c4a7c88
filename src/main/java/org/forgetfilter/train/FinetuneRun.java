package org.forgetfilter.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.infer.SequenceEncoder;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.LoraConfig;

/**
 * One finetuning run from examples to an output folder: render with a prompt template, tokenize (BOS + prompt +
 * response + EOS, cut to {@code maxLength}), optionally attach fresh LoRA adapters, train, and write
 * <ul>
 *   <li>the model: a Hugging Face folder (full finetune) or a PEFT adapter folder (LoRA),</li>
 *   <li>{@value #LOG_FILE}: one JSON line per optimizer step (step, epoch, loss, lr, grad_norm, tokens, seconds),</li>
 *   <li>{@value #PROVENANCE_FILE}: data hash, configs, seed, version (for a full model inside the folder's own
 *       provenance record, which the model writer creates).</li>
 * </ul>
 */
public final class FinetuneRun {
    public static final String LOG_FILE = "training_log.jsonl";
    public static final String PROVENANCE_FILE = "forgetfilter.json";

    /**
     * @param lora       adapters to attach, or null for a full finetune
     * @param maxLength  longest tokenized example (longer ones lose prompt tokens first)
     * @param saveDtype  dtype of a saved full model (training itself runs in f32)
     */
    public record Settings(TrainingConfig training, LoraConfig lora, PromptTemplate template, int maxLength,
                           SafetensorsDtype saveDtype) {
    }

    /** What the run did. */
    public record Result(List<StepRecord> log, int examples, int truncated) {
        public double firstLoss() {
            return log.get(0).loss();
        }

        public double lastLoss() {
            return log.get(log.size() - 1).loss();
        }
    }

    private final LanguageModel lm;
    private final Settings settings;

    public FinetuneRun(LanguageModel lm, Settings settings) {
        this.lm = lm;
        this.settings = settings;
    }

    /**
     * Trains on {@code examples} and writes everything to {@code out}; {@code provenance} (e.g. data file and
     * its sha256, version) is recorded along with the settings.
     */
    public Result run(List<Example> examples, Path out, Map<String, Object> provenance) throws IOException {
        SequenceEncoder encoder = new SequenceEncoder(lm.tokenizer(),
                Math.min(settings.maxLength(), lm.model().config().maxPositions()), true);
        List<TokenizedExample> data = encoder.encodeAll(examples, settings.template());
        if (settings.lora() != null) {
            lm.model().addLora(settings.lora(), settings.training().seed());
        }
        List<StepRecord> log = new Trainer(lm.model(), settings.training(), "finetune").train(data, null);
        Result result = new Result(log, data.size(), encoder.truncatedCount());

        Map<String, Object> record = new LinkedHashMap<>(provenance);
        record.put("base_model", lm.source());
        record.put("training", settings.training());
        record.put("lora", settings.lora());
        record.put("template", settings.template().name());
        record.put("max_length", settings.maxLength());
        record.put("seed", settings.training().seed());
        record.put("examples", result.examples());
        record.put("truncated_examples", result.truncated());
        record.put("first_loss", result.firstLoss());
        record.put("last_loss", result.lastLoss());
        lm.save(out, settings.saveDtype(), record);
        if (settings.lora() != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("format", "forgetfilter-adapter");
            p.put("provenance", record);
            AtomicFile.writeString(out.resolve(PROVENANCE_FILE),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(p) + "\n");
        }
        writeLog(out.resolve(LOG_FILE), log);
        return result;
    }

    /** Writes {@code log} as {@value #LOG_FILE}: one JSON line per optimizer step, atomically. */
    public static void writeLog(Path file, List<StepRecord> log) throws IOException {
        try (AtomicFile f = AtomicFile.create(file)) {
            BufferedWriter w = f.writer();
            for (StepRecord r : log) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("step", r.step());
                line.put("epoch", r.epoch());
                line.put("loss", r.loss());
                line.put("lr", r.lr());
                line.put("grad_norm", r.gradNorm());
                line.put("tokens", r.tokens());
                line.put("seconds", r.seconds());
                w.write(Json.MAPPER.writeValueAsString(line));
                w.write('\n');
            }
            f.commit();
        }
    }

    /** Reads a log {@link #writeLog} wrote. */
    public static List<StepRecord> readLog(Path file) throws IOException {
        List<StepRecord> out = new java.util.ArrayList<>();
        long n = 0;
        for (String line : java.nio.file.Files.readAllLines(file)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode j = Json.MAPPER.readTree(line);
            if (!j.has("step") || !j.has("loss")) {
                throw new IOException(file + ":" + n + ": not a training log line (expected step and loss): " + line);
            }
            out.add(new StepRecord(j.get("step").asInt(), j.path("epoch").asInt(), j.get("loss").asDouble(),
                    j.path("lr").asDouble(), j.path("grad_norm").asDouble(Double.NaN), j.path("tokens").asLong(),
                    j.path("seconds").asDouble()));
        }
        return out;
    }
}
