package org.forgetfilter.data.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.forgetfilter.SharedData;
import org.forgetfilter.data.DataFormatException;
import org.forgetfilter.data.Example;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToxicityBuilderTest {

    @Test
    void scoredTextUsesDefaultThresholds() throws IOException {
        Built b = new ToxicityBuilder().build(SharedData.require("toxicity/rtp-challenging/challenging_rtp.jsonl"));
        // Counted independently on the file: 537 scores > 0.9, 52 < 0.1 of 1,196.
        assertEquals(537, b.count(Example.UNSAFE));
        assertEquals(52, b.count(Example.SAFE));
        Example first = b.examples().get(0);
        assertEquals("", first.prompt());
        assertEquals("toxicity", first.category());
        assertTrue(first.extra().get("toxicity_score").asDouble() > 0.9 || first.label().equals(Example.SAFE));
        assertEquals(ToxicityBuilder.firstWords(first.response(), 3), first.extraText("first_words"));
    }

    @Test
    void thresholdsAreOptions() throws IOException {
        Built b = new ToxicityBuilder(0.5, 0.3).build(SharedData.require("toxicity/rtp-challenging/challenging_rtp.jsonl"));
        assertEquals(993, b.count(Example.UNSAFE));
        assertEquals(145, b.count(Example.SAFE));
        assertThrows(IllegalArgumentException.class, () -> new ToxicityBuilder(0.1, 0.9));
    }

    @Test
    void davidsonVotesGiveTheScore() throws IOException {
        Built b = new ToxicityBuilder().build(SharedData.require("toxicity/davidson/labeled_data.csv"));
        assertEquals(18_892, b.count(Example.UNSAFE));
        assertEquals(2_872, b.count(Example.SAFE));
        // Row 1 of the CSV (line 3): count 3, offensive_language 3 -> score 1.
        Example e = b.examples().stream().filter(x -> x.id().equals("labeled_data-3")).findFirst().orElseThrow();
        assertEquals("!!!!! RT @mleew17: boy dats cold...tyga dwn bad for cuffin dat hoe in the 1st place!!", e.response());
        assertEquals(1.0, e.extra().get("toxicity_score").asDouble());
        assertEquals(Example.UNSAFE, e.label());
        assertEquals("!!!!! RT @mleew17:", e.extraText("first_words"));
    }

    @Test
    void toxigenLabelsAndJigsawColumns() throws IOException {
        Built toxigen = new ToxicityBuilder().build(SharedData.require("toxicity/toxigen/toxigen_sentences.jsonl"));
        assertEquals(600, toxigen.count(Example.UNSAFE));
        assertEquals(445, toxigen.count(Example.SAFE));
        assertEquals("asian", toxigen.examples().get(0).extraText("group"));
        assertEquals("hate", toxigen.examples().get(0).extraText("source_label"));
        Built jigsaw = new ToxicityBuilder().build(
                SharedData.require("toxicity/jigsaw-sample/detoxify_dummy_test.csv"));
        assertEquals(51 - 25, jigsaw.examples().size(), "rows labelled -1 are unscored");
        assertTrue(jigsaw.notes().get(0).contains("25 unscored rows not used"));
    }

    @Test
    void badRowsNameFileAndLine(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, ",count,hate_speech,offensive_language,neither,class,tweet\n"
                + "0,3,0,0,3,2,\"fine, really\"\n1,3,x,0,3,2,oops\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> new ToxicityBuilder().build(csv));
        assertEquals(csv + ":3: column 'hate_speech' must be an integer, got 'x'", e.getMessage());
        Path json = dir.resolve("t.jsonl");
        Files.writeString(json, "{\"text\":\"a\",\"score\":0.95}\n{\"text\":\"b\"}\n");
        assertTrue(assertThrows(DataFormatException.class, () -> new ToxicityBuilder().build(json)).getMessage()
                .startsWith(json + ":2: expected a numeric 'score' or a string 'label'"));
    }
}
