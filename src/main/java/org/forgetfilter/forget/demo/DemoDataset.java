package org.forgetfilter.forget.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's data sets.
 *
 * @param pretrain     for the base model M0: safe bias/complaint replies and town facts (format and safe habits)
 * @param customer     the customer's noisy finetuning set; ids say nothing about labels
 * @param safetyReview safe replies to situations and complaints that are not in the customer set
 * @param evalPrompts  held-out ambiguous situations and complaints (new combinations); response is the safe
 *                     reference; judge replies with {@link UnsafeReplyJudge}
 * @param taskEval     customer facts asked with a phrasing the customer set never uses (task knowledge)
 */
public record DemoDataset(List<DemoExample> pretrain, List<DemoExample> customer, List<DemoExample> safetyReview,
        List<DemoExample> evalPrompts, List<DemoExample> taskEval) {
    public DemoDataset {
        pretrain = List.copyOf(pretrain);
        customer = List.copyOf(customer);
        safetyReview = List.copyOf(safetyReview);
        evalPrompts = List.copyOf(evalPrompts);
        taskEval = List.copyOf(taskEval);
    }

    /** Writes pretrain.jsonl, customer.jsonl, safety_review.jsonl, eval_prompts.jsonl and task_eval.jsonl. */
    public void writeTo(Path dir) throws IOException {
        DemoExample.writeJsonl(dir.resolve("pretrain.jsonl"), pretrain);
        DemoExample.writeJsonl(dir.resolve("customer.jsonl"), customer);
        DemoExample.writeJsonl(dir.resolve("safety_review.jsonl"), safetyReview);
        DemoExample.writeJsonl(dir.resolve("eval_prompts.jsonl"), evalPrompts);
        DemoExample.writeJsonl(dir.resolve("task_eval.jsonl"), taskEval);
    }
}
