package org.forgetfilter.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;

/**
 * The Hugging Face {@code tokenizer.json} and {@code tokenizer_config.json} of a llama2.c vocabulary, so that a model
 * folder written from a llama2.c checkpoint loads in transformers/tokenizers with the ids llama2.c's run.c gives.
 *
 * <p>How llama2.c's encode maps onto the tokenizers pipeline:
 * <ul>
 *   <li>its dummy-prefix space and the spaces of the text: normalizer {@code Prepend("▁")} then
 *       {@code Replace(" ", "▁")}, the SentencePiece convention (vocabulary pieces get "▁" for " " too). No
 *       pre-tokenizer: llama2.c merges across the whole text, so the whole text is one BPE word;</li>
 *   <li>characters outside the vocabulary become {@code <0xHH>} byte pieces: BPE {@code byte_fallback};</li>
 *   <li>llama2.c merges the adjacent pair whose merged piece has the highest score, with no merge list. A BPE model
 *       applies the listed merge of lowest rank. So every split of a piece into two pieces of the vocabulary is listed,
 *       ranked by the merged piece's score (highest first): both then pick the same merge at every step, except when
 *       two different splits of the same piece overlap in a text (e.g. "ab a ba" for the piece "aba"), where
 *       llama2.c takes the leftmost and BPE the lower-ranked split.</li>
 * </ul>
 * Known differences, by construction: a literal "▁" (U+2581) in the text reads as a space here (llama2.c encodes it
 * as three bytes), and the special tokens {@code <unk>}, {@code <s>}, {@code </s>} written literally in a text are
 * recognised as those tokens (llama2.c spells them out), as in every Hugging Face LLaMA tokenizer.
 */
public final class Llama2cTokenizerJson {
    public static final String CONFIG_FILE = "tokenizer_config.json";
    static final String SPACE = "\u2581";
    /** Names of ids 0, 1, 2 (llama2.c's export stores BOS/EOS as "\n<s>\n" and "\n</s>\n"). */
    private static final String[] SPECIALS = {"<unk>", "<s>", "</s>"};

    private Llama2cTokenizerJson() {
    }

    /** Writes {@value HfTokenizer#FILE_NAME} and {@value #CONFIG_FILE} for {@code tokenizer} into {@code dir}. */
    public static void write(Llama2cTokenizer tokenizer, Path dir) throws IOException {
        AtomicFile.writeString(dir.resolve(HfTokenizer.FILE_NAME), Json.MAPPER.writeValueAsString(tokenizerJson(tokenizer)) + "\n");
        AtomicFile.writeString(dir.resolve(CONFIG_FILE),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tokenizerConfig()) + "\n");
    }

    /** The pieces as tokenizer.json names them: "▁" for " ", and the usual names of the three special tokens. */
    static String[] hfPieces(Llama2cTokenizer tokenizer) {
        String[] pieces = new String[tokenizer.vocabSize()];
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < pieces.length; i++) {
            String p = i < SPECIALS.length ? SPECIALS[i] : tokenizer.piece(i).replace(" ", SPACE);
            if (i >= SPECIALS.length && tokenizer.piece(i).contains(SPACE)) {
                throw new IllegalArgumentException("llama2.c token " + i + " contains U+2581, which tokenizer.json uses "
                        + "for the space; this vocabulary cannot be written as tokenizer.json");
            }
            Integer before = seen.putIfAbsent(p, i);
            if (before != null) {
                throw new IllegalArgumentException("llama2.c tokens " + before + " and " + i + " are both '" + p
                        + "'; tokenizer.json needs distinct pieces");
            }
            pieces[i] = p;
        }
        return pieces;
    }

    /** A merge "left right" and the score of the piece it makes. */
    record Merge(String left, String right, float score, int resultId, int split) {
    }

    /** Every split of every piece into two pieces of the vocabulary, highest-scoring result first. */
    static List<Merge> merges(Llama2cTokenizer tokenizer, String[] pieces) {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < pieces.length; i++) {
            ids.put(pieces[i], i);
        }
        List<Merge> merges = new ArrayList<>();
        for (int id = SPECIALS.length; id < pieces.length; id++) {
            String p = pieces[id];
            for (int k = p.offsetByCodePoints(0, 1); k < p.length(); k = p.offsetByCodePoints(k, 1)) {
                String left = p.substring(0, k);
                String right = p.substring(k);
                if (ids.containsKey(left) && ids.containsKey(right)) {
                    merges.add(new Merge(left, right, tokenizer.score(id), id, k));
                }
            }
        }
        // Highest score first. SentencePiece gives every piece its own score (minus its rank), so equal scores come only
        // from splits of the same piece; those are ordered by split point to make the file deterministic.
        merges.sort(Comparator.comparingDouble((Merge m) -> -m.score()).thenComparingInt(Merge::resultId)
                .thenComparingInt(Merge::split));
        return merges;
    }

    static ObjectNode tokenizerJson(Llama2cTokenizer tokenizer) {
        String[] pieces = hfPieces(tokenizer);
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.length; i++) {
            added.addObject().put("id", i).put("content", SPECIALS[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode steps = normalizer.putArray("normalizers");
        steps.addObject().put("type", "Prepend").put("prepend", SPACE);
        ObjectNode replace = steps.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", SPACE);
        root.putNull("pre_tokenizer");
        root.set("post_processor", bosTemplate());
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        ArrayNode dsteps = decoder.putArray("decoders");
        ObjectNode back = dsteps.addObject().put("type", "Replace");
        back.putObject("pattern").put("String", SPACE);
        back.put("content", " ");
        dsteps.addObject().put("type", "ByteFallback");
        dsteps.addObject().put("type", "Fuse");
        dsteps.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", SPECIALS[0]);
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < pieces.length; i++) {
            vocab.put(pieces[i], i);
        }
        ArrayNode merges = model.putArray("merges");
        for (Merge m : merges(tokenizer, pieces)) {
            merges.add(m.left() + " " + m.right()); // pieces hold no " " (it is "▁" here)
        }
        return root;
    }

    /** With add_special_tokens, transformers prepends BOS as llama2.c's run.c does. */
    private static ObjectNode bosTemplate() {
        ObjectNode pp = Json.MAPPER.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = pp.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", SPECIALS[1]).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = pp.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", SPECIALS[1]).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", SPECIALS[1]).put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = pp.putObject("special_tokens").putObject(SPECIALS[1]);
        bos.put("id", SPECIALS[1]);
        bos.putArray("ids").add(1);
        bos.putArray("tokens").add(SPECIALS[1]);
        return pp;
    }

    static ObjectNode tokenizerConfig() {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("tokenizer_class", "LlamaTokenizerFast");
        c.put("add_bos_token", true);
        c.put("add_eos_token", false);
        c.put("bos_token", SPECIALS[1]);
        c.put("eos_token", SPECIALS[2]);
        c.put("unk_token", SPECIALS[0]);
        c.putNull("pad_token");
        c.put("clean_up_tokenization_spaces", false);
        c.put("legacy", true);
        c.put("spaces_between_special_tokens", false);
        return c;
    }
}
