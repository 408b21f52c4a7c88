package org.forgetfilter.experiment;

import org.forgetfilter.data.Example;

import java.io.IOException;
import java.util.List;

/**
 * The one place the experiment calls the ForgetFilter method, so that the method's implementation can be
 * swapped (the staged implementation here reuses the experiment's cached models; the {@code forget} package's
 * library pipeline can be plugged in behind the same call).
 */
public interface ForgetFilterBackend {
    /**
     * Scores and filters {@code noisy}.
     *
     * @param m0Key         stage key of M0 (BaseFT)
     * @param noisyModelKey stage key of M1 (M0 finetuned on the noisy set)
     * @param safe          the safety-finetuning set
     */
    Forgetting run(String m0Key, String noisyModelKey, List<Example> noisy, List<Example> safe, long seed)
            throws IOException;
}
