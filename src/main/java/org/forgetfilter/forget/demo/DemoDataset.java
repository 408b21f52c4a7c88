package org.forgetfilter.forget.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.forgetfilter.data.Example;
import org.forgetfilter.data.ExampleWriter;

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
public record DemoDataset(List<Example> pretrain, List<Example> customer, List<Example> safetyReview,
        List<Example> evalPrompts, List<Example> taskEval) {
    public DemoDataset {
        pretrain = List.copyOf(pretrain);
        customer = List.copyOf(customer);
        safetyReview = List.copyOf(safetyReview);
        evalPrompts = List.copyOf(evalPrompts);
        taskEval = List.copyOf(taskEval);
    }

    /** Writes pretrain.jsonl, customer.jsonl, safety_review.jsonl, eval_prompts.jsonl and task_eval.jsonl. */
    public void writeTo(Path dir) throws IOException {
        ExampleWriter.writeAll(dir.resolve("pretrain.jsonl"), pretrain);
        ExampleWriter.writeAll(dir.resolve("customer.jsonl"), customer);
        ExampleWriter.writeAll(dir.resolve("safety_review.jsonl"), safetyReview);
        ExampleWriter.writeAll(dir.resolve("eval_prompts.jsonl"), evalPrompts);
        ExampleWriter.writeAll(dir.resolve("task_eval.jsonl"), taskEval);
    }
}
