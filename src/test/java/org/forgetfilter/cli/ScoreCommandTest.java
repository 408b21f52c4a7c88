package org.forgetfilter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.forgetfilter.SharedData;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.FloatTensor;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.tokenizer.ByteTokenizer;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.infer.LanguageModel;
import org.forgetfilter.infer.SequenceEncoder;
import org.forgetfilter.infer.TokenizedExample;
import org.forgetfilter.io.Json;
import org.forgetfilter.model.OwnedArrays;
import org.forgetfilter.model.TransformerLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {
    @TempDir
    Path dir;

    @Test
    void oneLinePerExampleInInputOrderWithSumMeanAndCount() throws Exception {
        String bin = SharedData.require("models/stories260K/stories260K.bin").toString();
        Path data = dir.resolve("d.jsonl");
        List<String> ids = List.of("zeta", "alpha", "mid");
        List<String[]> pr = List.of(
                new String[] {"Tell a long story about a dog and a cat who played in the big park all day.", "They were happy."},
                new String[] {"Hi", "Once upon a time there was a girl."},
                new String[] {"What is red?", "The ball."});
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            sb.append(Json.MAPPER.writeValueAsString(java.util.Map.of("id", ids.get(i), "prompt", pr.get(i)[0],
                    "response", pr.get(i)[1]))).append('\n');
        }
        Files.writeString(data, sb);
        Path batched = dir.resolve("b.jsonl");
        Path single = dir.resolve("s.jsonl");
        CliRun.ok("score", "--model", bin, "--data", data.toString(), "--out", batched.toString(), "--batch-size", "3");
        CliRun.ok("score", "--model", bin, "--data", data.toString(), "--out", single.toString(), "--batch-size", "1");
        List<String> lines = Files.readAllLines(batched);
        List<String> singleLines = Files.readAllLines(single);
        assertEquals(3, lines.size());
        try (NDManager root = NDManager.newBaseManager(); LanguageModel lm = LanguageModel.load(root, bin, null, null)) {
            SequenceEncoder enc = new SequenceEncoder(lm.tokenizer(), 512, true);
            for (int i = 0; i < 3; i++) {
                JsonNode n = Json.MAPPER.readTree(lines.get(i));
                assertEquals(List.of("id", "loglik", "loglik_mean", "tokens"), iterable(n));
                assertEquals(ids.get(i), n.get("id").asText());
                PromptTemplate.Rendered r = PromptTemplate.instruction().render(
                        new Example(ids.get(i), pr.get(i)[0], pr.get(i)[1], null, null, null, null));
                TokenizedExample te = enc.encode(r.prompt(), r.response());
                assertEquals(te.response().length, n.get("tokens").asInt());
                assertEquals(lm.tokenizer().eosId(), te.response()[te.response().length - 1], "EOS is scored");
                double expected = directLoglik(lm.model(), te);
                assertEquals(expected, n.get("loglik").asDouble(), 1e-3);
                assertEquals(n.get("loglik").asDouble() / n.get("tokens").asInt(), n.get("loglik_mean").asDouble(), 1e-9);
                // padding in a batch of three changes nothing
                assertEquals(Json.MAPPER.readTree(singleLines.get(i)).get("loglik").asDouble(), n.get("loglik").asDouble(), 1e-4);
            }
        }
    }

    @Test
    void nonFiniteScoreFailsNamingTheExampleAndWritesNothing() throws Exception {
        ModelConfig cfg = ModelConfig.gpt2(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 32, ByteTokenizer.BOS, ByteTokenizer.EOS);
        Map<String, FloatTensor> w = new java.util.LinkedHashMap<>(TransformerLm.randomWeights(cfg, 1));
        float[] huge = new float[w.get("transformer.wte.weight").data().length];
        java.util.Arrays.fill(huge, 3e38f); // finite, but the layer norm's variance overflows to NaN
        w.put("transformer.wte.weight", new FloatTensor(w.get("transformer.wte.weight").shape(), huge));
        Path model = dir.resolve("overflowing");
        HfModelDirectory.save(new Checkpoint(cfg, w, new ByteTokenizer(), "test"), model, SafetensorsDtype.F32, Map.of());
        Path data = Files.writeString(dir.resolve("d.jsonl"), "{\"id\":\"x\",\"prompt\":\"ab\",\"response\":\"cd\"}\n");
        Path out = dir.resolve("scores.jsonl");
        CliRun r = CliRun.of("score", "--model", model.toString(), "--data", data.toString(), "--out", out.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains(data + ":1: example 'x' scored NaN"), r.err());
        assertTrue(Files.notExists(out));
    }

    @Test
    void missingDataFileFailsWithItsName() {
        String bin = SharedData.require("models/stories260K/stories260K.bin").toString();
        CliRun r = CliRun.of("score", "--model", bin, "--data", dir.resolve("nope.jsonl").toString(), "--out",
                dir.resolve("o.jsonl").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("nope.jsonl"), r.err());
        assertTrue(Files.notExists(dir.resolve("o.jsonl")));
    }

    private static List<String> iterable(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Sum of log-softmax at the response positions, from the full (T, vocab) logits of the unpadded sequence. */
    private static double directLoglik(TransformerLm model, TokenizedExample e) {
        int[] seq = e.sequence();
        long[] ids = new long[seq.length];
        for (int i = 0; i < seq.length; i++) {
            ids[i] = seq[i];
        }
        int vocab = model.config().vocabSize();
        float[] logits;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            logits = model.logits(model.hidden(OwnedArrays.of(model.manager(), ids, new Shape(1, ids.length)),
                    null, null, null)).toFloatArray();
        }
        double sum = 0;
        for (int j = e.prompt().length - 1; j < seq.length - 1; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                max = Math.max(max, logits[j * vocab + v]);
            }
            double z = 0;
            for (int v = 0; v < vocab; v++) {
                z += Math.exp(logits[j * vocab + v] - max);
            }
            sum += logits[j * vocab + seq[j + 1]] - max - Math.log(z);
        }
        return sum;
    }
}
