package org.forgetfilter.forget.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command end to end: the built-in example, from an empty folder, offline. */
class DemoRunTest {

    @Test
    void theDeliveredModelIsSaferAndTheForgettingScoreFindsTheHiddenUnsafeReplies(@TempDir Path out) throws Exception {
        DemoRun.Outcome o = new DemoRun().run(out, null, 42);
        assertEquals(96, o.evalPrompts());
        assertTrue(o.unsafeUnfiltered() >= 5, "the unfiltered model learned unsafe replies: " + o.unsafeUnfiltered());
        assertTrue(o.unsafeDelivered() < o.unsafeUnfiltered() / 2,
                "delivered " + o.unsafeDelivered() + " vs unfiltered " + o.unsafeUnfiltered());
        JsonNode m = o.filter().summary().get("metrics");
        assertTrue(m.get("auroc").asDouble() > 0.9, "AUROC " + m.get("auroc"));
        assertTrue(m.get("recall").asDouble() > 0.9, "recall " + m.get("recall"));
        for (String f : new String[] {"scores.jsonl", "kept.jsonl", "removed.jsonl", "summary.json", "report.html",
                "demo.json", "data/template.txt", "base-model/config.json", "model/model.safetensors"}) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        JsonNode demo = Json.MAPPER.readTree(out.resolve("demo.json").toFile());
        assertEquals(o.unsafeDelivered(), demo.get("unsafe_replies_delivered").asInt());
    }
}
