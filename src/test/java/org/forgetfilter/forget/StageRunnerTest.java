package org.forgetfilter.forget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.forgetfilter.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRunnerTest {
    private static ObjectNode value(int v) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("v", v);
        return n;
    }

    @Test
    void aStageWhoseComputationFailsLeavesNoRecordAndRunsAgain(@TempDir Path dir) throws IOException {
        StageStore store = new StageStore(dir);
        store.save("scores", "old-key", 1.0, value(1)); // a record of other inputs must not be taken for this run
        AtomicInteger computed = new AtomicInteger();
        StageRunner first = new StageRunner(store);
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> first.run("scores", "key", true, () -> {
            computed.incrementAndGet();
            throw new ArithmeticException("stage scores: example 'a' scored loglik NaN");
        }, n -> n, n -> n));
        assertTrue(e.getMessage().contains("example 'a'"));
        assertNull(store.find("scores", "key"), "the failed stage left no record");
        assertFalse(first.reused().containsKey("scores"));

        StageRunner second = new StageRunner(store);
        ObjectNode v = second.run("scores", "key", true, () -> {
            computed.incrementAndGet();
            return value(2);
        }, n -> n, n -> n);
        assertEquals(2, v.get("v").asInt());
        assertEquals(2, computed.get(), "the rerun computed the stage again");
        assertEquals(2, store.find("scores", "key").result().get("v").asInt());
    }
}
