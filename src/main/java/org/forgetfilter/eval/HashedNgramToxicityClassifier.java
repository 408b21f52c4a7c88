package org.forgetfilter.eval;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

/**
 * A small trainable toxicity classifier: logistic regression on hashed features. Features are word unigrams and
 * bigrams (tokens = runs of [a-z0-9'] after lower-casing) and character 3- to 5-grams of the lower-cased text with
 * collapsed whitespace, hashed with signed feature hashing into 2^bits slots (the sign bit cancels collisions in
 * expectation); counts are L2-normalised per text. Training is seeded per-example AdaGrad with L2 applied to the
 * touched weights, on a seeded train/held-out split; the held-out AUROC is measured and stored with the weights.
 *
 * <p>File format (written atomically): the magic line {@code FFTOXHASH1}, a 4-byte length and that many bytes of
 * UTF-8 JSON {@link Provenance}, then the bias and 2^bits weights as big-endian floats.
 */
public final class HashedNgramToxicityClassifier implements ToxicityScorer {
    private static final String MAGIC = "FFTOXHASH1\n";

    /** Training settings. */
    public record Options(int hashBits, int epochs, double learningRate, double l2, double heldOutFraction,
                          long seed) {
        public static Options defaults(long seed) {
            return new Options(18, 4, 0.5, 1e-6, 0.2, seed);
        }
    }

    /** How the model was made; stored in the file. */
    public record Provenance(List<String> trainingFiles, long seed, int hashBits, int epochs, double learningRate,
                             double l2, int trainExamples, int heldOutExamples, double heldOutAuroc) {
    }

    private final float[] weights;
    private final float bias;
    private final int bits;
    private final Provenance provenance;

    private HashedNgramToxicityClassifier(float[] weights, float bias, int bits, Provenance provenance) {
        this.weights = weights;
        this.bias = bias;
        this.bits = bits;
        this.provenance = provenance;
    }

    public Provenance provenance() {
        return provenance;
    }

    @Override
    public String name() {
        List<String> names = provenance.trainingFiles().stream()
                .map(f -> Path.of(f).getFileName().toString()).toList();
        return "hashed-ngram-logreg(" + String.join("+", names) + ", seed " + provenance.seed() + ")";
    }

    /** Probability that {@code text} is toxic. */
    @Override
    public double score(String text) {
        Map<Integer, Double> x = features(text, bits);
        double z = bias;
        for (Map.Entry<Integer, Double> e : x.entrySet()) {
            z += weights[e.getKey()] * e.getValue();
        }
        return sigmoid(z);
    }

    /**
     * Trains on {@code data} (shuffled with the seed, the last heldOutFraction kept out) and reports held-out
     * AUROC in the provenance. {@code trainingFiles} only documents where the data came from.
     */
    public static HashedNgramToxicityClassifier train(List<LabelledText> data, List<String> trainingFiles,
                                                      Options o) {
        if (data.size() < 10) {
            throw new IllegalArgumentException("need at least 10 labelled texts to train, got " + data.size());
        }
        List<LabelledText> shuffled = new ArrayList<>(data);
        SplittableRandom random = new SplittableRandom(o.seed());
        for (int i = shuffled.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            LabelledText t = shuffled.get(i);
            shuffled.set(i, shuffled.get(j));
            shuffled.set(j, t);
        }
        int heldOut = (int) Math.round(shuffled.size() * o.heldOutFraction());
        List<LabelledText> train = shuffled.subList(0, shuffled.size() - heldOut);
        List<LabelledText> test = shuffled.subList(shuffled.size() - heldOut, shuffled.size());

        int dim = 1 << o.hashBits();
        List<int[]> idx = new ArrayList<>(train.size());
        List<double[]> val = new ArrayList<>(train.size());
        for (LabelledText t : train) {
            Map<Integer, Double> f = features(t.text(), o.hashBits());
            idx.add(f.keySet().stream().mapToInt(Integer::intValue).toArray());
            val.add(f.values().stream().mapToDouble(Double::doubleValue).toArray());
        }
        double[] w = new double[dim];
        double[] g2 = new double[dim];
        double b = 0;
        double gb2 = 0;
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < o.epochs(); epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int k : order) {
                int[] ix = idx.get(k);
                double[] vx = val.get(k);
                double z = b;
                for (int m = 0; m < ix.length; m++) {
                    z += w[ix[m]] * vx[m];
                }
                double err = sigmoid(z) - (train.get(k).toxic() ? 1 : 0); // d(log loss)/dz
                for (int m = 0; m < ix.length; m++) {
                    int f = ix[m];
                    double g = err * vx[m] + o.l2() * w[f];
                    g2[f] += g * g;
                    w[f] -= o.learningRate() * g / Math.sqrt(g2[f] + 1e-8);
                }
                gb2 += err * err;
                b -= o.learningRate() * err / Math.sqrt(gb2 + 1e-8);
            }
        }
        float[] wf = new float[dim];
        for (int i = 0; i < dim; i++) {
            wf[i] = (float) w[i];
        }
        HashedNgramToxicityClassifier provisional = new HashedNgramToxicityClassifier(wf, (float) b, o.hashBits(),
                null);
        double auroc = Double.NaN;
        if (!test.isEmpty()) {
            double[] s = new double[test.size()];
            boolean[] y = new boolean[test.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = provisional.score(test.get(i).text());
                y[i] = test.get(i).toxic();
            }
            auroc = BinaryMetrics.auroc(s, y);
        }
        Provenance p = new Provenance(List.copyOf(trainingFiles), o.seed(), o.hashBits(), o.epochs(),
                o.learningRate(), o.l2(), train.size(), test.size(), auroc);
        return new HashedNgramToxicityClassifier(wf, (float) b, o.hashBits(), p);
    }

    public void save(Path file) throws IOException {
        byte[] json = Json.MAPPER.writeValueAsBytes(provenance);
        try (AtomicFile out = AtomicFile.create(file)) {
            DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(out.stream(), 1 << 16));
            data.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            data.writeInt(json.length);
            data.write(json);
            data.writeFloat(bias);
            for (float v : weights) {
                data.writeFloat(v);
            }
            data.flush();
            out.commit();
        }
    }

    public static HashedNgramToxicityClassifier load(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = in.readNBytes(MAGIC.length());
            if (!Arrays.equals(magic, MAGIC.getBytes(StandardCharsets.US_ASCII))) {
                throw new IOException(file + ": not a hashed n-gram toxicity model (missing " + MAGIC.strip()
                        + " header)");
            }
            int len = in.readInt();
            if (len <= 0 || len > 1 << 20) {
                throw new IOException(file + ": provenance length " + len + " is out of range");
            }
            Provenance p = Json.MAPPER.readValue(in.readNBytes(len), Provenance.class);
            if (p.hashBits() < 1 || p.hashBits() > 26) {
                throw new IOException(file + ": hashBits " + p.hashBits() + " is out of range 1..26");
            }
            float bias = in.readFloat();
            float[] w = new float[1 << p.hashBits()];
            for (int i = 0; i < w.length; i++) {
                w[i] = in.readFloat();
            }
            if (in.read() != -1) {
                throw new IOException(file + ": trailing bytes after " + w.length + " weights");
            }
            return new HashedNgramToxicityClassifier(w, bias, p.hashBits(), p);
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": truncated model file", e);
        }
    }

    /** Sparse, L2-normalised, signed-hashed feature vector: slot -> value. */
    static Map<Integer, Double> features(String text, int bits) {
        String lower = text.toLowerCase(Locale.ROOT);
        Map<Integer, Double> counts = new HashMap<>();
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i <= lower.length(); i++) {
            char c = i < lower.length() ? lower.charAt(i) : ' ';
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'') {
                w.append(c);
            } else if (w.length() > 0) {
                words.add(w.toString());
                w.setLength(0);
            }
        }
        for (int i = 0; i < words.size(); i++) {
            add(counts, "w1:" + words.get(i), bits);
            if (i + 1 < words.size()) {
                add(counts, "w2:" + words.get(i) + " " + words.get(i + 1), bits);
            }
        }
        String padded = " " + String.join(" ", lower.strip().split("\\s+")) + " ";
        for (int n = 3; n <= 5; n++) {
            for (int i = 0; i + n <= padded.length(); i++) {
                add(counts, "c" + n + ":" + padded.substring(i, i + n), bits);
            }
        }
        double norm = 0;
        for (double v : counts.values()) {
            norm += v * v;
        }
        if (norm > 0) {
            double inv = 1 / Math.sqrt(norm);
            counts.replaceAll((k, v) -> v * inv);
        }
        return counts;
    }

    private static void add(Map<Integer, Double> counts, String feature, int bits) {
        int h = mix(feature.hashCode());
        int slot = (h >>> 1) & ((1 << bits) - 1);
        double sign = (h & 1) == 0 ? 1 : -1;
        counts.merge(slot, sign, Double::sum);
    }

    /** MurmurHash3's 32-bit finaliser: spreads String.hashCode (which is specified, so stable across JVMs). */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
