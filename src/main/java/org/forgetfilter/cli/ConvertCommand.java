package org.forgetfilter.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.Llama2cCheckpoint;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.io.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forgetfilter convert}: a llama2.c checkpoint to a Hugging Face LLaMA folder. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Writes a llama2.c checkpoint (.bin) as a Hugging Face LLaMA folder (config.json, "
                + "model.safetensors with q/k permuted for rotate-half RoPE, tokenizer).")
public final class ConvertCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "llama2.c checkpoint, e.g. stories260K.bin")
    Path model;

    @Option(names = "--out", required = true, description = "output folder (replaced atomically when it exists)")
    Path out;

    @Option(names = "--dtype", defaultValue = "f32", description = "weights dtype: f32, f16 or bf16 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--tokenizer", description = "llama2.c tokenizer file (default: tokenizer.bin or tok<vocab>.bin beside the model)")
    Path tokenizer;

    @Override
    public Integer call() throws Exception {
        SafetensorsDtype type = SafetensorsDtype.parseWritable(dtype);
        try (OutputFolder folder = OutputChecks.replacedFolder(out, "convert", model, tokenizer)) {
            return convert(type);
        }
    }

    private Integer convert(SafetensorsDtype type) throws Exception {
        Checkpoint checkpoint = Llama2cCheckpoint.read(model, tokenizer);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("command", "convert");
        provenance.put("llama2c_checkpoint", model.toAbsolutePath().toString());
        provenance.put("tokenizer", tokenizer == null ? "beside the checkpoint" : tokenizer.toAbsolutePath().toString());
        provenance.put("rope_permutation", "q_proj/k_proj rows permuted to rotate-half as in convert_llama_weights_to_hf");
        HfModelDirectory.save(checkpoint, out, type, provenance);
        System.out.printf("wrote %s (%d parameters, %s)%n", out, checkpoint.parameterCount(), type.torchName());
        return 0;
    }
}
