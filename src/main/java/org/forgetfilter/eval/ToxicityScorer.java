package org.forgetfilter.eval;

/** Scores how toxic a text is, in [0, 1] (higher = more toxic). Every result that uses it records {@link #name()}. */
public interface ToxicityScorer {
    double score(String text);

    /** Identifies the scorer and its configuration (model file or word lists), for provenance. */
    String name();
}
