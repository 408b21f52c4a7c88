package org.forgetfilter.bench;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.model.TransformerLm;

/** The model an inference benchmark runs: a real checkpoint ({@code --model}) or a preset with random weights. */
final class BenchModel {
    private BenchModel() {
    }

    static LanguageModel load(NDManager root, String modelRef, BenchPreset preset, long seed) throws IOException {
        if ((modelRef == null) == (preset == null)) {
            throw new IllegalArgumentException("give either --model or --preset");
        }
        if (modelRef != null) {
            return LanguageModel.load(root, modelRef, null, null);
        }
        TransformerLm m = TransformerLm.create(root, preset.config(), TransformerLm.randomWeights(preset.config(), seed));
        return new LanguageModel(m, new SyntheticTokenizer(preset.config().vocabSize()), "random " + preset.label());
    }

    /** A random id that is neither BOS nor EOS, so prompts do not end generation at once. */
    static int ordinaryToken(java.util.SplittableRandom rnd, LanguageModel lm) {
        int vocab = lm.tokenizer().vocabSize();
        while (true) {
            int t = rnd.nextInt(vocab);
            if (t != lm.tokenizer().bosId() && t != lm.tokenizer().eosId()) {
                return t;
            }
        }
    }
}
