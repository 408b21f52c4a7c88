import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.forgetfilter.checkpoint.Checkpoint;
import org.forgetfilter.checkpoint.HfModelDirectory;
import org.forgetfilter.checkpoint.SafetensorsDtype;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TransformerLm;
import org.forgetfilter.tokenizer.Llama2cTokenizer;

/**
 * The inputs of scripts/memory-benchmark.sh: a GPT-2-small-shaped model with random weights (124,439,808 parameters,
 * float32) and the stories260K tokenizer, 8 customer examples and 4 review examples of random words, each longer
 * than 64 tokens. Run with the built jar on the class path:
 * {@code java -cp target/forgetfilter-*.jar scripts/RandomGpt2Model.java TOKENIZER OUT_DIR}.
 */
public class RandomGpt2Model {
    public static void main(String[] args) throws IOException {
        Path tokenizer = Path.of(args[0]);
        Path out = Path.of(args[1]);
        ModelConfig config = ModelConfig.gpt2(50257, 768, 12, 12, 1024, 50256, 50256);
        HfModelDirectory.save(new Checkpoint(config, TransformerLm.randomWeights(config, 7),
                Llama2cTokenizer.load(tokenizer, 512), "random gpt2-small"), out.resolve("gpt2-random"),
                SafetensorsDtype.F32, Map.of("made_by", "scripts/RandomGpt2Model.java"));
        Random rnd = new Random(1);
        Files.write(out.resolve("data.jsonl"), examples("d", 8, rnd));
        Files.write(out.resolve("safe.jsonl"), examples("s", 4, rnd));
    }

    private static List<String> examples(String prefix, int n, Random rnd) {
        String[] words = ("the cat sat on a mat and then it ran to the big red house where a dog lived with two "
                + "birds").split(" ");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"id\": \"" + prefix + i + "\", \"prompt\": \"" + text(words, 12, rnd) + "\", \"response\": \""
                    + text(words, 30, rnd) + "\"}");
        }
        return lines;
    }

    private static String text(String[] words, int n, Random rnd) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(words[rnd.nextInt(words.length)]);
        }
        return b.toString();
    }
}
