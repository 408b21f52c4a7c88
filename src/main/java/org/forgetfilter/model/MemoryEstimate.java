package org.forgetfilter.model;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How much memory a model needs, from its config alone, so that an absurd config (num_hidden_layers: 1000000) is
 * refused before anything is allocated. Weights are float32 (4 bytes) in memory whatever their dtype on disk.
 *
 * <ul>
 *   <li>loading: the weights twice at the peak, decoded into Java arrays and copied to native tensors;</li>
 *   <li>inference: the weights (plus activations);</li>
 *   <li>full finetuning with AdamW: weights, gradients and two moments, 16 bytes per parameter;</li>
 *   <li>LoRA: the frozen base (4 bytes per parameter) plus 16 bytes per adapter parameter.</li>
 * </ul>
 * A whole run ({@link #trainingRun}) adds activations, which grow with batch size x max length, the scratch memory of
 * each step, the Java heap and the runtime.
 *
 * @param parameters number of weights of the model, as {@code WeightLayout.expectedShapes} lists them
 */
public record MemoryEstimate(ModelConfig config, long parameters) {
    /** Bytes per weight in memory. */
    public static final long F32_BYTES = 4;
    /** Bytes per trained parameter under AdamW: weight, gradient, first and second moment. */
    public static final long ADAMW_BYTES = 4 * F32_BYTES;

    public static MemoryEstimate of(ModelConfig config) {
        return new MemoryEstimate(config, parameterCount(config));
    }

    /** Parameters of the model a config describes; saturates at Long.MAX_VALUE instead of overflowing. */
    public static long parameterCount(ModelConfig c) {
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        long v = c.vocabSize();
        long perLayer;
        long outside;
        if (c.architecture() == Architecture.LLAMA) {
            long kv = c.kvDim();
            perLayer = sum(2 * d, mul(2 * d, d), mul(2 * kv, d), mul(3 * ff, d)); // norms, q+o, k+v, gate+up+down
            outside = sum(mul(v, d), d, c.tieEmbeddings() ? 0 : mul(v, d)); // embedding, final norm, head
        } else {
            perLayer = sum(4 * d, mul(d, 3 * d), 3 * d, mul(d, d), d, mul(d, ff), ff, mul(ff, d), d);
            outside = sum(mul(v, d), mul(c.maxPositions(), d), 2 * d); // wte, wpe, ln_f
        }
        return sum(mul(c.numLayers(), perLayer), outside);
    }

    /** Adapter parameters: rank x (in + out) for each targeted linear layer of each block. */
    public long loraParameters(LoraConfig lora) {
        long perLayer = 0;
        for (long[] inOut : targetedLayers(lora)) {
            perLayer = sum(perLayer, mul(lora.rank(), inOut[0] + inOut[1]));
        }
        return mul(config.numLayers(), perLayer);
    }

    private List<long[]> targetedLayers(LoraConfig lora) {
        long d = config.hiddenSize();
        long ff = config.intermediateSize();
        long kv = config.kvDim();
        List<Object[]> layers = config.architecture() == Architecture.LLAMA
                ? List.of(new Object[] {"q_proj", d, d}, new Object[] {"k_proj", d, kv}, new Object[] {"v_proj", d, kv},
                        new Object[] {"o_proj", d, d}, new Object[] {"gate_proj", d, ff}, new Object[] {"up_proj", d, ff},
                        new Object[] {"down_proj", ff, d})
                : List.of(new Object[] {"c_attn", d, 3 * d}, new Object[] {"c_proj", d, d},
                        new Object[] {"c_fc", d, ff}, new Object[] {"c_proj", ff, d});
        return layers.stream().filter(l -> lora.targets((String) l[0]))
                .map(l -> new long[] {(Long) l[1], (Long) l[2]}).toList();
    }

    public long weightBytes() {
        return mul(parameters, F32_BYTES);
    }

    /** Peak while loading: the decoded Java copy and the native copy of the weights. */
    public long loadBytes() {
        return mul(weightBytes(), 2);
    }

    public long fullFinetuneBytes() {
        return mul(parameters, ADAMW_BYTES);
    }

    public long loraFinetuneBytes(LoraConfig lora) {
        return sum(weightBytes(), mul(loraParameters(lora), ADAMW_BYTES));
    }

    /**
     * Bytes of JVM, libtorch and the rest of the process with no model to speak of: the peak RSS of a whole
     * {@code filter} run on stories260K (1 MB of weights) was 297 MiB, 88 MiB of it libtorch's code pages
     * (docs/BENCHMARKS.md, "Memory of a filter run", 2026-12-04).
     */
    public static final long RUNTIME_BYTES = 300L << 20;

    /**
     * The memory of a training run, by part. All byte counts are peaks of the whole run, which peaks either while
     * loading (the weights decoded in the Java heap and copied to native memory; the heap is then handed back) or
     * while training, whichever needs more.
     *
     * @param parameters          weights of the model
     * @param trainableParameters the parameters the optimizer updates (the adapters under LoRA)
     * @param weightBytes         one float32 copy of the weights
     * @param nativeCopies        copies of the weights held in native memory at once: the base and the model being
     *                            trained under full finetuning; the base alone under LoRA (the adapters are trained
     *                            over the base's own, frozen weights)
     * @param gradientBytes       one float32 gradient per trainable parameter
     * @param optimizerBytes      AdamW's two moments per trainable parameter
     * @param activationBytes     what the forward pass keeps for the backward pass, for batch x the longest batch
     * @param scratchBytes        what each training step allocates afresh beside the stored gradients and frees again
     *                            ({@link #scratchBytes}); the allocator keeps the room, so it counts as a peak
     * @param heapBytes           the Java heap while training: one copy of the weights, exported to be written,
     *                            when full finetuning saves a model (M1, the delivered model); nothing under LoRA,
     *                            which writes only the adapters
     * @param runtimeBytes        JVM and libtorch ({@link #RUNTIME_BYTES})
     * @param loadBytes           the weights while loading: decoded in the Java heap and copied to native memory
     */
    public record RunPlan(long parameters, long trainableParameters, long weightBytes, int nativeCopies,
                          long gradientBytes, long optimizerBytes, long activationBytes, long scratchBytes,
                          long heapBytes, long runtimeBytes, long loadBytes) {
        public long totalBytes() {
            return Math.max(loadingBytes(), trainingBytes());
        }

        /** The peak while loading: the runtime and the weights twice. */
        public long loadingBytes() {
            return sum(loadBytes, runtimeBytes);
        }

        /** The peak while training: every part but loading. */
        public long trainingBytes() {
            return sum(mul(weightBytes, nativeCopies), gradientBytes, optimizerBytes, activationBytes, scratchBytes,
                    heapBytes, runtimeBytes);
        }

        /** The parts as name to bytes, in order, with the total last. */
        public java.util.Map<String, Long> parts() {
            java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
            m.put("weights_per_copy", weightBytes);
            m.put("native_weight_copies", (long) nativeCopies);
            m.put("gradients", gradientBytes);
            m.put("optimizer_state", optimizerBytes);
            m.put("activations", activationBytes);
            m.put("step_scratch", scratchBytes);
            m.put("java_heap", heapBytes);
            m.put("runtime", runtimeBytes);
            m.put("training_peak", trainingBytes());
            m.put("loading_peak", loadingBytes());
            m.put("total", totalBytes());
            return m;
        }

        /** One line for the console. */
        public String describe() {
            return String.format(Locale.ROOT, "%s parameters (%s trained): %d x %s of weights in native memory "
                            + "(%s) + %s gradients + %s AdamW moments + %s activations + %s step scratch + %s Java heap "
                            + "+ %s runtime = %s while training, %s while loading (the weights in the Java heap and "
                            + "in native memory): about %s",
                    count(parameters), count(trainableParameters), nativeCopies, bytes(weightBytes),
                    nativeCopies == 1 ? "the base, shared by the adapters" : "the base and the model being trained",
                    bytes(gradientBytes), bytes(optimizerBytes), bytes(activationBytes), bytes(scratchBytes),
                    bytes(heapBytes), bytes(runtimeBytes), bytes(trainingBytes()), bytes(loadingBytes()),
                    bytes(totalBytes()));
        }

        /**
         * Fails unless the run fits in {@code available} bytes, with the estimate and what to change.
         *
         * @param what the run, e.g. "filter"
         */
        public void requireFits(long available, String what, Object source) {
            if (totalBytes() <= available) {
                return;
            }
            throw new IllegalArgumentException(source + ": " + what + " needs " + describe() + ", but this machine "
                    + "has " + bytes(available) + " of memory. To fit: "
                    + (trainableParameters == parameters ? "train LoRA adapters (--lora-rank 8: the gradients and "
                    + "moments shrink to those of the adapters), " : "a lower --lora-rank, ")
                    + "a smaller --batch-size or --max-length (activations), a smaller model; the Java heap is "
                    + "set with FORGETFILTER_JAVA_OPTS=-Xmx...");
        }
    }

    /**
     * The plan of a run that trains from the model while the base stays in memory ({@code filter}: M1, the safety
     * finetune, the delivered model, one at a time, in one trained copy under full finetuning and over the base's
     * own weights under LoRA).
     *
     * @param lora      the adapters, or null for full finetuning
     * @param batchSize examples per micro-batch
     * @param maxLength tokens of the longest batch (a batch is padded to its longest example)
     */
    public RunPlan trainingRun(LoraConfig lora, int batchSize, int maxLength) {
        long trainable = lora == null ? parameters : loraParameters(lora);
        return new RunPlan(parameters, trainable, weightBytes(), lora == null ? 2 : 1, mul(trainable, F32_BYTES),
                mul(trainable, 2 * F32_BYTES), activationBytes(batchSize, maxLength), scratchBytes(lora),
                lora == null ? weightBytes() : 0, RUNTIME_BYTES, loadBytes());
    }

    /**
     * What one training step allocates beside the stored gradients, float32. Under full finetuning: the backward pass
     * builds the embedding's gradient as two dense vocabulary x hidden tensors (the output head's and the token
     * lookup's, tied or not) before adding them to the stored gradient, and AdamW's step takes the square root of
     * the largest tensor's second moment. Under LoRA the base gets no gradient and only the adapters' root is
     * taken. Measured for GPT-2 small (docs/BENCHMARKS.md, "Memory of a filter run, third pass"): the first two
     * backward passes grew the process by 2 x 147 MiB beyond the gradients, the first optimizer step by 149 MiB.
     */
    public long scratchBytes(LoraConfig lora) {
        long largest;
        long embeddingGradients;
        if (lora == null) {
            long d = config.hiddenSize();
            long widest = config.architecture() == Architecture.LLAMA ? config.intermediateSize()
                    : Math.max(config.intermediateSize(), 3 * d);
            largest = Math.max(mul(config.vocabSize(), d), mul(widest, d));
            embeddingGradients = mul(2 * F32_BYTES, mul(config.vocabSize(), d));
        } else {
            largest = 0;
            for (long[] inOut : targetedLayers(lora)) {
                largest = Math.max(largest, mul(lora.rank(), Math.max(inOut[0], inOut[1])));
            }
            embeddingGradients = 0;
        }
        return sum(embeddingGradients, mul(largest, F32_BYTES));
    }

    /**
     * Activations kept for the backward pass, float32, counted from the tensors each block's forward pass keeps per
     * token: about 16 of the model width (norms, q, k, v, attention output, residuals), 4 of the feed-forward width,
     * 3 attention rows of max length per head (scores, mask added, probabilities), and 3 of the vocabulary for the
     * logits, their log-softmax and its gradient.
     */
    public long activationBytes(int batchSize, int maxLength) {
        long t = Math.min(maxLength, config.maxPositions());
        long perTokenPerLayer = sum(mul(16, config.hiddenSize()), mul(4, config.intermediateSize()),
                mul(3L * config.numHeads(), t));
        long perToken = sum(mul(config.numLayers(), perTokenPerLayer), mul(3, config.vocabSize()));
        return mul(mul(mul(batchSize, t), perToken), F32_BYTES);
    }

    /** One line: parameters, the shape that makes them, and the memory of each kind of run. */
    public String describe() {
        return String.format(Locale.ROOT, "a %s model of %s parameters (num_layers=%d, hidden_size=%d, "
                        + "intermediate_size=%d, vocab_size=%d) needs %s for its float32 weights (%s while loading), "
                        + "%s for full finetuning with AdamW (weights, gradients, two moments), about %s for LoRA, "
                        + "plus activations that grow with batch size x max length",
                config.architecture().toString().toLowerCase(Locale.ROOT), count(parameters), config.numLayers(),
                config.hiddenSize(), config.intermediateSize(), config.vocabSize(), bytes(weightBytes()),
                bytes(loadBytes()), bytes(fullFinetuneBytes()), bytes(weightBytes()));
    }

    /**
     * Fails unless loading fits: the float32 weights twice within the machine's physical memory, and once within
     * the Java heap (the weights are decoded into Java arrays first).
     *
     * @param source the config file or checkpoint, named in the message
     */
    public void requireLoadable(Object source) {
        long physical = physicalMemoryBytes();
        if (loadBytes() > physical) {
            throw new IllegalArgumentException(source + ": " + describe() + "; this machine has " + bytes(physical)
                    + " of memory. Use a smaller model, or check the config (a layer count or width may be wrong)");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (weightBytes() > heap) {
            throw new IllegalArgumentException(source + ": " + describe() + "; loading decodes the weights in the "
                    + "Java heap, whose maximum is " + bytes(heap) + ": raise it (FORGETFILTER_JAVA_OPTS=-Xmx"
                    + Math.max(1, (weightBytes() * 5 / 4 >> 30) + 1) + "g) or use a smaller model");
        }
    }

    /**
     * Fails unless a run needing {@code needed} bytes (e.g. {@link #fullFinetuneBytes()}) fits in physical memory.
     *
     * @param what the run, e.g. "full finetuning with AdamW"
     */
    public void requireFits(long needed, String what, Object source) {
        long physical = physicalMemoryBytes();
        if (needed > physical) {
            throw new IllegalArgumentException(source + ": " + what + " needs " + bytes(needed) + " before "
                    + "activations (" + describe() + "), but this machine has " + bytes(physical) + " of memory. "
                    + (needed > loraFinetuneBytes(new LoraConfig(8, 16, 0, LoraConfig.defaultTargets(config.architecture())))
                    ? "Use a smaller model" : "Use LoRA (e.g. --lora-rank 8) or a smaller model"));
        }
    }

    /** Total physical memory (the container's limit where there is one); Long.MAX_VALUE when it cannot be told. */
    public static long physicalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            if (total > 0) {
                return total;
            }
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: refuse nothing
        }
        return Long.MAX_VALUE;
    }

    /** Bytes in binary units, e.g. "3.2 GiB". */
    public static String bytes(long n) {
        if (n == Long.MAX_VALUE) {
            return "more than 8 EiB";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String count(long n) {
        if (n == Long.MAX_VALUE) {
            return "more than 9.2e18";
        }
        String[] units = {"", "K", "M", "B", "T"};
        double v = n;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? Long.toString(n) : String.format(Locale.ROOT, "%.2f%s (%d)", v, units[u], n);
    }

    /** Product of two non-negative numbers, saturating at Long.MAX_VALUE. */
    private static long mul(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long sum(long... terms) {
        long s = 0;
        for (long t : terms) {
            s = t > Long.MAX_VALUE - s ? Long.MAX_VALUE : s + t;
        }
        return s;
    }
}
