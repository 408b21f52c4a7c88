package org.forgetfilter.eval;

/** A text with a binary toxicity label and where it came from ("file:line"). */
public record LabelledText(String text, boolean toxic, String source) {
}
