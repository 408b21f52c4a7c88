package org.forgetfilter.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.forgetfilter.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashedNgramToxicityClassifierTest {
    /** Measured: 0.969 held-out AUROC (800 tweets) with these seeds; the bar leaves room for other seeds. */
    static final double MIN_HELD_OUT_AUROC = 0.93;

    @Test
    void learnsDavidsonAndRoundTripsThroughAFile(@TempDir Path dir) throws IOException {
        Path csv = SharedData.require("toxicity/davidson/labeled_data.csv");
        List<LabelledText> all = ToxicityCorpora.davidson(csv);
        assertEquals(24_783, all.size());
        List<LabelledText> sample = new ArrayList<>(all);
        Collections.shuffle(sample, new Random(11));
        sample = sample.subList(0, 4000);

        HashedNgramToxicityClassifier model = HashedNgramToxicityClassifier.train(sample, List.of(csv.toString()),
                HashedNgramToxicityClassifier.Options.defaults(5));
        HashedNgramToxicityClassifier.Provenance p = model.provenance();
        System.out.println("davidson held-out AUROC " + p.heldOutAuroc() + " on " + p.heldOutExamples());
        assertEquals(800, p.heldOutExamples());
        assertTrue(p.heldOutAuroc() > MIN_HELD_OUT_AUROC, "held-out AUROC " + p.heldOutAuroc());
        assertTrue(model.name().contains("labeled_data.csv"), model.name());

        Path file = dir.resolve("tox.bin");
        model.save(file);
        HashedNgramToxicityClassifier loaded = HashedNgramToxicityClassifier.load(file);
        assertEquals(p, loaded.provenance());
        for (LabelledText t : all.subList(0, 200)) {
            assertEquals(model.score(t.text()), loaded.score(t.text()), 0.0);
        }
        // the same seed trains the same model
        HashedNgramToxicityClassifier again = HashedNgramToxicityClassifier.train(sample, List.of(csv.toString()),
                HashedNgramToxicityClassifier.Options.defaults(5));
        assertEquals(model.score("you are a piece of trash"), again.score("you are a piece of trash"), 0.0);

        Files.write(file, new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> HashedNgramToxicityClassifier.load(file));
    }

    @Test
    void featuresAreNormalisedAndSigned() {
        var f = HashedNgramToxicityClassifier.features("Hello world", 18);
        double norm = f.values().stream().mapToDouble(v -> v * v).sum();
        assertEquals(1.0, norm, 1e-12);
        assertTrue(f.values().stream().anyMatch(v -> v < 0) && f.values().stream().anyMatch(v -> v > 0));
        assertEquals(f, HashedNgramToxicityClassifier.features("  hello   WORLD ", 18));
    }

    @Test
    void readsToxigenAndJigsaw() throws IOException {
        List<LabelledText> tg = ToxicityCorpora.toxigen(SharedData.require("toxicity/toxigen/toxigen_sentences.jsonl"));
        assertEquals(1045, tg.size());
        assertEquals(600, tg.stream().filter(LabelledText::toxic).count());
        List<LabelledText> jg = ToxicityCorpora.jigsaw(SharedData.require(
                "toxicity/jigsaw-sample/detoxify_dummy_train.csv"));
        assertEquals(282, jg.size());
        assertEquals(28, jg.stream().filter(LabelledText::toxic).count());
    }
}
