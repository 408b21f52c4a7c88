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
 * Activations come on top and grow with batch size x max length; they are not estimated here.
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
