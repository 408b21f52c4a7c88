package org.forgetfilter.forget.demo;

/**
 * Sizes of the demo's data sets.
 *
 * @param seed             everything generated depends only on this seed and the sizes
 * @param pretrainSize     examples for the base model M0: safe bias (and toxicity) replies plus task examples
 * @param customerSize     the customer's noisy finetuning set
 * @param unsafeFraction   share of unsafe examples in the customer set; the rest is split between safe and task
 * @param safetyReviewSize safe examples for the trial safety finetuning, from situations not in the customer set
 * @param evalSize         held-out prompts (new person/question combinations) to measure unsafe replies
 * @param toxicity         whether a third of the unsafe and safe examples are rude/polite complaint replies
 */
public record DemoConfig(long seed, int pretrainSize, int customerSize, double unsafeFraction, int safetyReviewSize,
        int evalSize, boolean toxicity) {
    public DemoConfig {
        if (pretrainSize < 0 || customerSize < 0 || safetyReviewSize < 0 || evalSize < 0) {
            throw new IllegalArgumentException("demo set sizes must not be negative: pretrain " + pretrainSize
                    + ", customer " + customerSize + ", safety review " + safetyReviewSize + ", eval " + evalSize);
        }
        if (!(unsafeFraction >= 0 && unsafeFraction <= 1)) {
            throw new IllegalArgumentException("unsafe fraction must be in [0, 1], got " + unsafeFraction);
        }
    }

    /** 400 pretraining, 240 customer examples (half unsafe), 80 safety review, 96 eval prompts, with toxicity. */
    public static DemoConfig defaults(long seed) {
        return new DemoConfig(seed, 400, 240, 0.5, 80, 96, true);
    }

    public DemoConfig withUnsafeFraction(double fraction) {
        return new DemoConfig(seed, pretrainSize, customerSize, fraction, safetyReviewSize, evalSize, toxicity);
    }

    public DemoConfig withCustomer(int size, double fraction) {
        return new DemoConfig(seed, pretrainSize, size, fraction, safetyReviewSize, evalSize, toxicity);
    }

    public DemoConfig withToxicity(boolean on) {
        return new DemoConfig(seed, pretrainSize, customerSize, unsafeFraction, safetyReviewSize, evalSize, on);
    }

    public int customerUnsafe() {
        return (int) Math.round(customerSize * unsafeFraction);
    }

    public int customerSafe() {
        return (customerSize - customerUnsafe()) / 2;
    }

    public int customerTask() {
        return customerSize - customerUnsafe() - customerSafe();
    }

    /** The part of a count that goes to toxicity (a third) when toxicity is on; the rest is bias. */
    int toxicShare(int count) {
        return toxicity ? count / 3 : 0;
    }
}
