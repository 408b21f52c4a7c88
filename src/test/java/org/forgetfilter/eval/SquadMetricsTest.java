package org.forgetfilter.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SquadMetricsTest {
    @Test
    void normalisationMatchesTheOfficialScript() {
        assertEquals("cats hat", SquadMetrics.normalize("The  Cat's  hat!"));
        assertEquals("apple day", SquadMetrics.normalize("An apple a day"));
        assertEquals("theater anthem", SquadMetrics.normalize("Theater, anthem."));
        assertEquals("élan", SquadMetrics.normalize("Élan, THE"));
        assertEquals("19th century", SquadMetrics.normalize("  19th\tcentury\n"));
        assertEquals("", SquadMetrics.normalize("The a an."));
    }

    @Test
    void exactMatchAndF1() {
        assertTrue(SquadMetrics.exactMatch("the denver broncos.", "Denver Broncos"));
        assertFalse(SquadMetrics.exactMatch("Broncos", "Denver Broncos"));
        // pred cat sat / truth cat sat down: P 1, R 2/3, F 0.8
        assertEquals(0.8, SquadMetrics.f1("the cat sat", "a cat sat down"), 1e-12);
        // repeated tokens are clipped: pred a-less "x x y" vs "x y y": common x1 y1 = 2, P 2/3, R 2/3
        assertEquals(2.0 / 3, SquadMetrics.f1("x x y", "x y y"), 1e-12);
        assertEquals(0.0, SquadMetrics.f1("the", "a"), 0.0);
        assertEquals(1.0, SquadMetrics.maxF1("Broncos", List.of("Denver Broncos", "broncos")), 0.0);
    }

    @Test
    void aggregatesAsPercentages() {
        SquadMetrics.Result r = SquadMetrics.evaluate(List.of(
                new SquadMetrics.Prediction("Denver Broncos", List.of("Denver Broncos", "The Broncos")),
                new SquadMetrics.Prediction("the cat sat", List.of("a cat sat down"))));
        assertEquals(50.0, r.exactMatch(), 1e-12);
        assertEquals(90.0, r.f1(), 1e-12);
        assertEquals(2, r.count());
    }
}
