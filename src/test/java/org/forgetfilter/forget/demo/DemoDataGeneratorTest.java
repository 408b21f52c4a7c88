package org.forgetfilter.forget.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleReader;
import org.forgetfilter.data.InputChecks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.forgetfilter.forget.demo.HelpDeskScenario.PersonPair;

class DemoDataGeneratorTest {
    private static final DemoDataset DEFAULT = DemoDataGenerator.generate(DemoConfig.defaults(42));

    private static Map<String, Long> count(List<Example> set, Function<Example, String> key) {
        return set.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
    }

    @Test
    void sameSeedSameData_otherSeedOtherData() {
        assertEquals(DEFAULT, DemoDataGenerator.generate(DemoConfig.defaults(42)));
        assertNotEquals(DEFAULT.customer(), DemoDataGenerator.generate(DemoConfig.defaults(43)).customer());
    }

    @Test
    void customerSetHasTheRequestedMix() {
        // 240 examples, half unsafe (120: 80 bias + 40 toxicity), 60 safe (40 + 20), 60 task.
        List<Example> c = DEFAULT.customer();
        assertEquals(240, c.size());
        assertEquals(Map.of("unsafe", 120L, "safe", 60L, "task", 60L), count(c, Example::label));
        assertEquals(Map.of("bias", 120L, "toxicity", 60L, "task", 60L), count(c, Example::category));
        assertEquals(40, c.stream().filter(e -> e.label().equals("unsafe") && e.category().equals("toxicity"))
                .count());

        DemoDataset quarter = DemoDataGenerator.generate(DemoConfig.defaults(1).withUnsafeFraction(0.25)
                .withToxicity(false));
        assertEquals(Map.of("unsafe", 60L, "safe", 90L, "task", 90L), count(quarter.customer(), Example::label));
        assertEquals(Map.of("bias", 150L, "task", 90L), count(quarter.customer(), Example::category));
    }

    @Test
    void otherSetsHaveTheirSizesAndOnlySafeReplies() {
        assertEquals(400, DEFAULT.pretrain().size());
        assertEquals(Map.of("safe", 240L, "task", 160L), count(DEFAULT.pretrain(), Example::label));
        assertEquals(Map.of("bias", 160L, "toxicity", 80L, "task", 160L),
                count(DEFAULT.pretrain(), Example::category));
        assertEquals(80, DEFAULT.safetyReview().size());
        assertEquals(Map.of("bias", 54L, "toxicity", 26L), count(DEFAULT.safetyReview(), Example::category));
        assertEquals(96, DEFAULT.evalPrompts().size());
        assertEquals(Map.of("bias", 64L, "toxicity", 32L), count(DEFAULT.evalPrompts(), Example::category));
        for (List<Example> set : List.of(DEFAULT.pretrain(), DEFAULT.safetyReview(), DEFAULT.evalPrompts())) {
            assertTrue(set.stream().noneMatch(e -> e.label().equals("unsafe")));
        }
        assertFalse(DEFAULT.taskEval().isEmpty());
    }

    @Test
    void stringsAreShortAndIdsUnique() {
        List<Example> all = all(DEFAULT);
        for (Example e : all) {
            assertTrue(e.prompt().length() < 120, e.prompt());
            assertTrue(e.response().length() < 40, e.response());
        }
        assertEquals(all.size(), all.stream().map(Example::id).distinct().count());
    }

    @Test
    void unsafeRepliesAreJudgedUnsafeAndSafeOnesSafe() {
        for (Example e : all(DEFAULT)) {
            assertEquals(e.label().equals("unsafe"), UnsafeReplyJudge.isUnsafeReply(e.prompt(), e.response()),
                    e.toString());
        }
    }

    /** Bias prompts and complaints are never repeated across or within sets. */
    @Test
    void situationPromptsAreUnique() {
        List<String> prompts = all(DEFAULT).stream().filter(e -> !e.category().equals("task"))
                .map(Example::prompt).toList();
        assertEquals(prompts.size(), new HashSet<>(prompts).size());
    }

    @Test
    void customerReviewAndEvalUseDisjointCombinations() {
        Set<String> customer = combinations(DEFAULT.customer());
        Set<String> review = combinations(DEFAULT.safetyReview());
        Set<String> eval = combinations(DEFAULT.evalPrompts());
        assertFalse(customer.isEmpty() || review.isEmpty() || eval.isEmpty());
        assertTrue(disjoint(customer, review) && disjoint(customer, eval) && disjoint(review, eval),
                "customer " + customer + "\nreview " + review + "\neval " + eval);
        // Every pair of people appears in the held-out evaluation, so bias is measured for each.
        Set<String> evalPairs = DEFAULT.evalPrompts().stream().filter(e -> e.category().equals("bias"))
                .map(e -> UnsafeReplyJudge.pairIn(e.prompt()).orElseThrow().stereotyped().keyword())
                .collect(Collectors.toSet());
        assertEquals(HelpDeskScenario.PAIRS.size(), evalPairs.size());
        // Pretraining never sees an evaluation combination.
        assertTrue(disjoint(combinations(DEFAULT.pretrain()), eval));
    }

    @Test
    void taskEvalAsksCustomerFactsWithAnUnseenPhrasing() {
        Set<String> customerPrompts = DEFAULT.customer().stream().map(Example::prompt).collect(Collectors.toSet());
        Set<String> customerAnswers = DEFAULT.customer().stream().filter(e -> e.label().equals("task"))
                .map(Example::response).collect(Collectors.toSet());
        for (Example e : DEFAULT.taskEval()) {
            assertFalse(customerPrompts.contains(e.prompt()), e.prompt());
            assertTrue(customerAnswers.contains(e.response()), e.response());
        }
    }

    @Test
    void taskPromptsQuoteTheNoteThatStatesTheAnswer() {
        assertEquals("Note: The gym opens at 7 am. When does the gym open?",
                "Note: " + HelpDeskScenario.OPENS.note("gym", "At 7 am.") + " When does the gym open?");
        assertEquals("Floor of the gym: the basement.", HelpDeskScenario.FLOOR.note("gym", "The basement."));
        List<Example> tasks = new ArrayList<>(DEFAULT.pretrain());
        tasks.addAll(DEFAULT.customer());
        tasks.addAll(DEFAULT.taskEval());
        tasks.removeIf(e -> !e.category().equals("task"));
        assertFalse(tasks.isEmpty());
        for (Example e : tasks) {
            String answer = e.response().substring(0, e.response().length() - 1); // without the full stop
            String inNote = Character.toLowerCase(answer.charAt(0)) + answer.substring(1);
            assertTrue(e.prompt().startsWith("Note: ") && e.prompt().contains(inNote + "."),
                    e.prompt() + " / " + e.response());
        }
    }

    @Test
    void writesAndReadsJsonl(@TempDir Path dir) throws Exception {
        DEFAULT.writeTo(dir);
        assertEquals(fields(DEFAULT.customer()),
                fields(ExampleReader.readAll(dir.resolve("customer.jsonl"), null, false)));
        assertEquals(fields(DEFAULT.evalPrompts()),
                fields(ExampleReader.readAll(dir.resolve("eval_prompts.jsonl"), null, false)));
        String line = java.nio.file.Files.readAllLines(dir.resolve("pretrain.jsonl")).get(0);
        assertTrue(line.startsWith("{\"id\":\"pretrain-0000\",\"prompt\":"), line);
    }

    @Test
    void impossibleSizesFailWithAMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoDataGenerator.generate(new DemoConfig(1, 0, 100, 0.5, 5000, 0, false)));
        assertTrue(e.getMessage().contains("safety review situations"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DemoConfig(1, 0, 10, 1.5, 0, 0, false));
    }

    /** The five fields the demo writes, per example (read-back examples also carry their source text and line). */
    private static List<List<String>> fields(List<Example> examples) {
        return examples.stream().map(e -> List.of(e.id(), e.prompt(), e.response(), e.label(), e.category())).toList();
    }

    private static List<Example> all(DemoDataset d) {
        List<Example> all = new ArrayList<>();
        all.addAll(d.pretrain());
        all.addAll(d.customer());
        all.addAll(d.safetyReview());
        all.addAll(d.evalPrompts());
        all.addAll(d.taskEval());
        return all;
    }

    /** "pair keyword | question" for bias prompts, "thing" for complaints. */
    private static Set<String> combinations(List<Example> set) {
        Set<String> out = new HashSet<>();
        for (Example e : set) {
            if (e.category().equals("bias")) {
                PersonPair pair = UnsafeReplyJudge.pairIn(e.prompt()).orElseThrow();
                String question = HelpDeskScenario.BIAS_QUESTIONS.stream().filter(e.prompt()::endsWith).findFirst()
                        .orElseThrow();
                out.add(pair.stereotyped().keyword() + " | " + question);
            } else if (e.category().equals("toxicity")) {
                out.add(HelpDeskScenario.COMPLAINT_THINGS.stream()
                        .filter(t -> e.prompt().contains(" " + t + " in the ")).findFirst().orElseThrow());
            }
        }
        return out;
    }

    private static boolean disjoint(Set<String> a, Set<String> b) {
        return a.stream().noneMatch(b::contains);
    }

    @Test
    void theDemosCustomerSetHasUnsafeRepliesAsAMinorityAndNoRepeatedRecord() {
        for (long seed : new long[] {42, 1}) {
            List<Example> c = DemoDataGenerator.generate(DemoRun.demoConfig(seed)).customer();
            assertEquals(Map.of("unsafe", 80L, "safe", 80L, "task", 80L), count(c, Example::label));
            List<InputChecks.Finding> found = new ArrayList<>();
            InputChecks.duplicates("demo customer set", c, found);
            assertEquals(List.of(), found, "the trust check 'duplicates' must stay quiet on the demo");
        }
    }
}
