package org.forgetfilter.infer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.Progress;

/**
 * Scores every example of a file by the teacher-forced log-likelihood of its response (EOS included, as in
 * finetuning) and writes one JSON line per example, in input order:
 * {@code {"id": ..., "loglik": sum, "loglik_mean": per token, "tokens": response tokens}}. Reads the file in
 * chunks, so memory stays bounded; the output appears atomically when all examples are scored.
 */
public final class ExampleScoring {
    /** Examples read, sorted by length and scored at a time. */
    private static final int CHUNK = 4096;
    private final LogLikelihoodScorer scorer;
    private final SequenceEncoder encoder;
    private final PromptTemplate template;

    public ExampleScoring(LanguageModel lm, PromptTemplate template, int batchSize, int maxLength) {
        this.scorer = new LogLikelihoodScorer(lm.model(), batchSize);
        this.encoder = new SequenceEncoder(lm.tokenizer(), Math.min(maxLength, lm.model().config().maxPositions()), true);
        this.template = template;
    }

    /** Scores all of {@code reader} into {@code out}; returns the number of examples scored. */
    public long scoreTo(ExampleReader reader, Path out) throws IOException {
        Progress progress = new Progress("score", -1, "examples");
        long n = 0;
        try (AtomicFile file = AtomicFile.create(out)) {
            BufferedWriter w = file.writer();
            List<Example> chunk = new ArrayList<>();
            for (Example e; (e = reader.next()) != null; ) {
                chunk.add(e);
                if (chunk.size() == CHUNK) {
                    n += writeChunk(chunk, w, progress, reader.file());
                }
            }
            n += writeChunk(chunk, w, progress, reader.file());
            file.commit();
        } finally {
            progress.finish();
        }
        return n;
    }

    /** Scores of examples in the given order. */
    public List<ResponseScore> score(List<Example> examples, Progress progress) {
        return scorer.score(encoder.encodeAll(examples, template), progress);
    }

    /** Examples whose prompt had to be cut to fit the maximum length, so far. */
    public int truncatedCount() {
        return encoder.truncatedCount();
    }

    private int writeChunk(List<Example> chunk, BufferedWriter w, Progress progress, Path source) throws IOException {
        List<ResponseScore> scores = score(chunk, progress);
        for (int i = 0; i < chunk.size(); i++) {
            ResponseScore s = scores.get(i);
            if (!Double.isFinite(s.loglik())) {
                Example e = chunk.get(i);
                throw new IOException(source + ":" + e.line() + ": example '" + e.id() + "' scored " + s.loglik()
                        + " under the model: its outputs are not finite numbers (weights too large?); no scores "
                        + "written");
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", chunk.get(i).id());
            line.put("loglik", s.loglik());
            line.put("loglik_mean", s.loglikMean());
            line.put("tokens", s.tokens());
            w.write(Json.MAPPER.writeValueAsString(line));
            w.write('\n');
        }
        int n = chunk.size();
        chunk.clear();
        return n;
    }
}
