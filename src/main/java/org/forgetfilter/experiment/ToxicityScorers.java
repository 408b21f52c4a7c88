package org.forgetfilter.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.forgetfilter.eval.HashedNgramToxicityClassifier;
import org.forgetfilter.eval.LabelledText;
import org.forgetfilter.eval.LexiconToxicityScorer;
import org.forgetfilter.eval.ToxicityCorpora;
import org.forgetfilter.eval.ToxicityScorer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The toxicity scorer an experiment names in {@code scorer}: {@code {"type": "classifier", "train": {"davidson":
 * FILE, "toxigen": FILE, "jigsaw": FILE}}} trains the project's hashed n-gram classifier once (cached as
 * {@code OUT/toxicity-classifier-<key>.bin}, its held-out AUROC in the file), or {@code {"type": "lexicon",
 * "lists": [FILE, ...]}} uses word lists. Paths are under the data root.
 */
public final class ToxicityScorers {
    private ToxicityScorers() {
    }

    public static ToxicityScorer build(ExperimentConfig config, Path out, StageLog log) throws IOException {
        JsonNode s = config.section("scorer");
        String type = s.path("type").asText("classifier");
        if (type.equals("lexicon")) {
            List<Path> lists = new ArrayList<>();
            s.path("lists").forEach(n -> lists.add(config.dataPath(n.asText())));
            if (lists.isEmpty()) {
                throw new IllegalArgumentException("scorer.lists: give at least one word list");
            }
            return new LexiconToxicityScorer(lists, LexiconToxicityScorer.Mode.INDICATOR);
        }
        if (!type.equals("classifier")) {
            throw new IllegalArgumentException("scorer.type must be classifier or lexicon, got " + type);
        }
        long seed = s.path("seed").asLong(1);
        Path file = out.resolve("toxicity-classifier-" + ExperimentConfig.hash(s, config.dataRoot().toString())
                + ".bin");
        long start = System.nanoTime();
        if (Files.isRegularFile(file)) {
            HashedNgramToxicityClassifier c = HashedNgramToxicityClassifier.load(file);
            log.record("toxicity-classifier", file.getFileName().toString(), true, (System.nanoTime() - start) / 1e9);
            return c;
        }
        List<LabelledText> data = new ArrayList<>();
        List<String> files = new ArrayList<>();
        JsonNode train = s.path("train");
        if (!train.isObject() || train.isEmpty()) {
            throw new IllegalArgumentException("scorer.train: name at least one labelled file (davidson, toxigen, "
                    + "jigsaw)");
        }
        for (var it = train.fields(); it.hasNext(); ) {
            var e = it.next();
            Path p = config.dataPath(e.getValue().asText());
            files.add(p.toString());
            data.addAll(switch (e.getKey()) {
                case "davidson" -> ToxicityCorpora.davidson(p);
                case "toxigen" -> ToxicityCorpora.toxigen(p);
                case "jigsaw" -> ToxicityCorpora.jigsaw(p);
                default -> throw new IllegalArgumentException("scorer.train." + e.getKey()
                        + ": expected davidson, toxigen or jigsaw");
            });
        }
        HashedNgramToxicityClassifier c = HashedNgramToxicityClassifier.train(data, files,
                HashedNgramToxicityClassifier.Options.defaults(seed));
        Files.createDirectories(out);
        c.save(file);
        log.record("toxicity-classifier", file.getFileName().toString(), false, (System.nanoTime() - start) / 1e9);
        return c;
    }
}
