package org.forgetfilter.forget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.PromptTemplate;
import org.forgetfilter.io.Json;
import org.forgetfilter.report.Palette;
import org.forgetfilter.train.FinetuneRun;
import org.forgetfilter.train.LrSchedule;
import org.forgetfilter.train.StepRecord;
import org.forgetfilter.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

/** report.html: warnings box, every removal listed, borderline lists, sensitivity, colours, escaping, loss curves. */
class FilterReportTest {
    private static final String HOSTILE = "<script>alert('x')</script> & \"quoted\"";
    private static final int N = 30;

    private static FilterConfig config() throws Exception {
        TrainingConfig t = new TrainingConfig(1, 0, 8, 1, 1e-3f, 0f, LrSchedule.Kind.CONSTANT, 0, 1f, false, 1);
        return new FilterConfig(t, t, 5, List.of(), ScoreType.LOGLIK, false, new ThresholdMethod.Fixed(0.5), null,
                true, PromptTemplate.fromText("Q: {prompt}\nA: {response}", "qa"), 64, 8, 8, 1);
    }

    /** 30 examples, decision i/30; the top 14 (decision > 0.5) removed; unsafe labels on the top 10 when asked. */
    private static String render(Path dir, boolean labels, List<RunWarning> warnings) throws Exception {
        List<Example> data = new ArrayList<>();
        double[] s1 = new double[N];
        double[] s2 = new double[N];
        for (int i = 0; i < N; i++) {
            String label = labels ? (i >= 20 ? "unsafe" : i % 2 == 0 ? "safe" : "task") : null;
            String prompt = i == 29 ? HOSTILE + " " + "long ".repeat(60) : "prompt " + i;
            data.add(new Example(i == 29 ? "id-" + HOSTILE : "e" + i, prompt, "reply " + i, label, null, null, null,
                    i + 1));
            s1[i] = 0;
            s2[i] = -i / (double) N;
        }
        ExampleScores m1 = new ExampleScores(s1, null);
        ExampleScores m2 = new ExampleScores(s2, null);
        double[] f = new double[N];
        for (int i = 0; i < N; i++) {
            f[i] = s1[i] - s2[i];
        }
        ThresholdChoice choice = new ThresholdMethod.Fixed(0.5).choose(f);
        List<ExampleOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            boolean removed = choice.flagged()[i];
            outcomes.add(new ExampleOutcome(data.get(i).id(), i + 1, s1[i], s2[i], f[i], Map.of(), Double.NaN, 1.0,
                    f[i], removed, ForgetFilter.reason(f[i], removed, choice) + (i == 29 ? " " + HOSTILE : ""),
                    Map.of()));
        }
        var summary = Json.MAPPER.createObjectNode().put("n_input", N).put("n_kept", N - choice.flaggedCount())
                .put("n_removed", choice.flaggedCount());
        summary.putObject("provenance").put("note", HOSTILE);
        var timings = Json.MAPPER.createObjectNode();
        timings.putObject("stages").putObject("safety").put("seconds", 1.5).put("reused", true);
        FilterResult r = new FilterResult(outcomes, m1, m2, null, choice, null, null, summary, timings, warnings,
                false);
        Path stages = Files.createDirectories(dir.resolve("stages"));
        Path log = ForgetFilter.trainingLog(stages, "finetune_m1");
        Files.createDirectories(log.getParent());
        FinetuneRun.writeLog(log, List.of(new StepRecord(1, 1, 3.0, 1e-3, 1.0, 100, 0.1),
                new StepRecord(2, 1, 2.0, 1e-3, 1.0, 100, 0.1)));
        Path file = dir.resolve("report.html");
        new FilterReport(config(), data, r, stages).write(file);
        return Files.readString(file);
    }

    private static String between(String html, String from, String to) {
        int a = html.indexOf(from);
        int b = html.indexOf(to, a);
        assertTrue(a >= 0 && b > a, from + " ... " + to);
        return html.substring(a, b);
    }

    @Test
    void aReviewerSeesTheWarningsFirstAndEveryRemovalWithItsReason(@TempDir Path dir) throws Exception {
        String html = render(dir, true, List.of(new RunWarning("removes_majority", "too much " + HOSTILE, 0.6)));
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(html)));
        assertFalse(html.contains("<script"), "escaped");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        // The warnings box comes before everything else.
        int box = html.indexOf("class=\"alert alert-warn\"");
        assertTrue(box > 0 && box < html.indexOf("<h2"), "warnings at the top");
        assertTrue(between(html, "alert-warn", "</div>").contains("removes_majority (measured 0.6"));
        // Every removed example, by id and line, with its reason, sorted by the decision.
        String removed = between(html, "Removed examples (14)</h2>", "Nearest the threshold</h2>");
        for (int i = 16; i < 29; i++) {
            assertTrue(removed.contains("<td>e" + i + "</td>"), "e" + i + " listed");
        }
        assertFalse(removed.contains("<td>e15</td>"), "kept examples are not in the removed list");
        assertTrue(removed.contains("decision 0.9667 &gt; threshold 0.5000 (fixed)"), "the reason");
        assertTrue(removed.indexOf("<td>e28</td>") < removed.indexOf("<td>e16</td>"), "highest decision first");
        assertTrue(removed.contains("<details><summary>"), "the long prompt is folded");
        assertTrue(removed.contains("<th>decision</th>"), "the sort key is a column");
        assertTrue(removed.contains("<td>0.9667</td>"), "with its value");
        // Borderline: the lowest removed and the highest kept.
        String near = between(html, "Nearest the threshold</h2>", "Threshold sensitivity</h2>");
        assertTrue(near.indexOf("<td>e16</td>") < near.indexOf("kept examples closest"), "e16 is just above");
        assertTrue(near.indexOf("<td>e15</td>") > near.indexOf("kept examples closest"), "e15 is just below");
        // Sensitivity with labels: removed share and the three metrics; label colours fixed.
        String sens = between(html, "Threshold sensitivity</h2>", "</figure>");
        for (String s : new String[] {"fraction removed", "precision", "recall", "F1", "removes 46.7 %"}) {
            assertTrue(sens.contains(s), s);
        }
        assertTrue(html.contains(Palette.LABELS.get("unsafe")) && html.contains(Palette.LABELS.get("task")));
        assertTrue(html.contains("Training loss per optimizer step") && html.contains("M1 (customer data)"));
        assertTrue(html.contains("seconds: safety (reused)"));
    }

    @Test
    void withoutLabelsTheCaptionsSaySoAndKeptRemovedHaveTheirOwnColours(@TempDir Path dir) throws Exception {
        String html = render(dir, false, List.of());
        assertTrue(html.contains("class=\"alert alert-ok\"") && html.contains("Trust checks: no warnings"));
        String sens = between(html, "Threshold sensitivity</h2>", "</figure>");
        assertTrue(sens.contains("no labels were given, so no precision or recall"), sens);
        assertFalse(sens.contains(">recall<"), "no label metrics drawn");
        assertTrue(html.contains("by the filter&#39;s decision (no labels were given)"));
        assertFalse(html.contains("hidden label"), "no caption mentions labels that do not exist");
        assertTrue(html.contains(Palette.DECISIONS.get("removed")) && html.contains(Palette.DECISIONS.get("kept")));
        assertFalse(html.contains(Palette.LABELS.get("unsafe")), "label colours only with labels");
        assertEquals(-1, html.indexOf("<th>label</th>"));
    }
}
