package org.forgetfilter.forget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.forgetfilter.io.Json;

/**
 * A reason not to trust a filter run's decision, found by {@link TrustChecks}: one entry of summary.json's
 * {@code warnings}.
 *
 * @param code    stable name of the check (see {@link TrustChecks} for every code and its rule)
 * @param message what was measured, against which rule, and what it means for the decision
 * @param value   the measured number the rule was applied to (a fraction, a threshold, an AUROC, a count)
 */
public record RunWarning(String code, String message, double value) {

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("code", code);
        n.put("message", message);
        n.put("value", value);
        return n;
    }

    /** The warning as a block of lines that stands out in a console log. */
    public String block() {
        String bar = "!".repeat(78);
        return bar + "\n" + "!! WARNING " + code + String.format(Locale.ROOT, " (measured: %.4g)", value) + "\n"
                + "!! " + message + "\n" + bar + "\n";
    }
}
