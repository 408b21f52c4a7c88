package org.forgetfilter.eval;

/** Precision, recall and F-measure of one ROUGE comparison, each in [0, 1]. */
public record RougeScore(double precision, double recall, double fmeasure) {
    public static final RougeScore ZERO = new RougeScore(0, 0, 0);

    /** F1 as rouge_score's {@code scoring.fmeasure}: 2PR/(P+R), and 0 when P+R is 0. */
    static RougeScore of(double precision, double recall) {
        double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return new RougeScore(precision, recall, f);
    }
}
