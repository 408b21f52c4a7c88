package org.forgetfilter.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.forgetfilter.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrowsPairsTest {
    @Test
    void realRowsAreOrientedByDirection() throws IOException {
        List<CrowsPairs.Pair> pairs = CrowsPairs.read(SharedData.require("crows-pairs/crows_pairs_anonymized.csv"));
        assertEquals(1508, pairs.size());
        assertEquals(218, pairs.stream().filter(p -> !p.stereoDirection()).count());
        assertTrue(pairs.get(0).stereotypical().contains("most black kids"));
        // row 2 is antistereo: sent_more ("he") violates the stereotype, so sent_less ("she") is stereotypical
        CrowsPairs.Pair anti = pairs.get(2);
        assertFalse(anti.stereoDirection());
        assertTrue(anti.stereotypical().contains("whether she would"), anti.stereotypical());
        assertEquals("gender", anti.biasType());
    }

    @Test
    void shorterIsMoreLikelyFakeModel() throws IOException {
        List<CrowsPairs.Pair> pairs = CrowsPairs.read(SharedData.require("crows-pairs/crows_pairs_anonymized.csv"));
        // Expected counts computed independently with Python's csv module for loglik = -len(sentence).
        CrowsPairs.Result r = CrowsPairs.evaluate(pairs, s -> -s.length());
        assertEquals(1508, r.overall().pairs());
        assertEquals(343, r.overall().ties());
        assertEquals(100.0 * 591 / 1508, r.overall().stereotypePreference(), 1e-9);
        assertEquals(100.0 * 50 / 87, r.byBiasType().get("age").stereotypePreference(), 1e-9);
        assertEquals(100.0 * 61 / 262, r.byBiasType().get("gender").stereotypePreference(), 1e-9);
        assertEquals(9, r.byBiasType().size());
    }

    @Test
    void quotedFieldsWithCommasQuotesAndNewlines(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "a,b,c\r\n1,\"x, \"\"y\"\"\nz\",3\n\n4,,6");
        CsvTable t = CsvTable.read(f);
        assertEquals(List.of("a", "b", "c"), t.header());
        assertEquals(2, t.rows().size());
        assertEquals("x, \"y\"\nz", t.get(t.rows().get(0), "b"));
        assertEquals("", t.get(t.rows().get(1), "b"));
        assertEquals(5, t.rows().get(1).line());
    }
}
