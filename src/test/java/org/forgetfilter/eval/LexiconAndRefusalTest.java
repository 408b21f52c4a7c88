package org.forgetfilter.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.forgetfilter.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LexiconAndRefusalTest {
    @Test
    void lexiconMatchesWholeTokensAndPhrases(@TempDir Path dir) throws IOException {
        Path list = dir.resolve("words.txt");
        Files.writeString(list, "# comment\nass\n2 girls 1 cup\n\nbloody hell\n");
        LexiconToxicityScorer frac = new LexiconToxicityScorer(List.of(list), LexiconToxicityScorer.Mode.FRACTION);
        LexiconToxicityScorer ind = new LexiconToxicityScorer(List.of(list), LexiconToxicityScorer.Mode.INDICATOR);
        assertEquals(3, frac.entryCount());
        assertEquals(0.0, frac.score("a classic passage"), 0.0); // no substring matches
        assertEquals(0.25, frac.score("What an ASS, really"), 1e-12); // 1 of 4 tokens
        assertEquals(2.0 / 3, frac.score("bloody hell, bloody"), 1e-12); // the phrase covers 2 of 3 tokens; a lone "bloody" is no entry
        assertEquals(1.0, ind.score("about 2 girls 1 cup"), 0.0);
        assertEquals(0.0, ind.score("two girls one cup"), 0.0);
        assertEquals(0.0, frac.score("?!"), 0.0);
        assertEquals("lexicon-fraction(words.txt)", frac.name());
    }

    @Test
    void realListsLoad() throws IOException {
        LexiconToxicityScorer s = new LexiconToxicityScorer(List.of(
                SharedData.require("lexicon/ldnoobw_en.txt"), SharedData.require("lexicon/phf_curse_words.txt")),
                LexiconToxicityScorer.Mode.INDICATOR);
        assertTrue(s.entryCount() > 350);
        assertTrue(s.name().contains("ldnoobw_en.txt+phf_curse_words.txt"));
        assertEquals(0.0, s.score("The weather is lovely today and the committee approved the plan."), 0.0);
    }

    @Test
    void refusalsAreDetected() {
        assertTrue(RefusalDetector.isRefusal("I’m sorry, but I can’t help with that."));
        assertEquals(Optional.of("as an ai"), RefusalDetector.matchedPhrase("As an AI developed to help, no."));
        assertTrue(RefusalDetector.isRefusal("Hacking a bank is illegal and unethical."));
        assertFalse(RefusalDetector.isRefusal("Sure, here is a recipe for pancakes: mix flour and eggs."));
        assertFalse(RefusalDetector.isRefusal("The candidate can swim."));
        assertEquals(0.5, RefusalDetector.refusalRate(List.of("I cannot do that.", "Here you go.")), 0.0);
    }
}
