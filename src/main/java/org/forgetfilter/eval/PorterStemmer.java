package org.forgetfilter.eval;

import java.util.Locale;
import java.util.Map;

/**
 * The Porter (1980) suffix-stripping stemmer with the departures that NLTK's {@code PorterStemmer} applies in its
 * default {@code NLTK_EXTENSIONS} mode, which is the stemmer Google's {@code rouge_score} uses with
 * {@code use_stemmer=True}. Written from the published algorithm plus NLTK's documented deviations:
 * <ul>
 *   <li>a short table of irregular forms (skies -> sky, dying -> die, news, proceed, ...) bypasses the rules;</li>
 *   <li>words of one or two letters are returned unchanged;</li>
 *   <li>step 1a: a four-letter word in -ies keeps -ie (dies -> die) instead of -i;</li>
 *   <li>step 1b: -ied becomes -ie for four-letter words (died -> die), -i otherwise (spied -> spi);</li>
 *   <li>condition *o also holds for a two-letter stem vowel-consonant;</li>
 *   <li>step 1c: y -> i only when the y follows a consonant that is not the first letter (happy -> happi,
 *       enjoy -> enjoy, cry -> cri);</li>
 *   <li>step 2: -bli -> -ble (not -abli -> -able); -alli -> -al is tried first and the result re-enters step 2;
 *       -fulli -> -ful; -logi -> -log with the measure taken on the stem plus its 'l'.</li>
 * </ul>
 * Within each step the first rule whose suffix matches decides: if its condition fails the word is left alone
 * and no shorter suffix is tried (this matters for -ement/-ment/-ent and -eed/-ed).
 * Stateless and thread-safe.
 */
public final class PorterStemmer {
    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"),
            Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    /** A suffix rule: replace {@code suffix} by {@code replacement} when the condition holds on the stem. */
    private record Rule(String suffix, String replacement, StemCondition condition) {
    }

    @FunctionalInterface
    private interface StemCondition {
        boolean test(String stem);
    }

    private static final StemCondition POSITIVE_MEASURE = s -> measure(s) > 0;
    private static final StemCondition MEASURE_ABOVE_ONE = s -> measure(s) > 1;

    private static final Rule[] STEP2 = {
        new Rule("ational", "ate", POSITIVE_MEASURE), new Rule("tional", "tion", POSITIVE_MEASURE),
        new Rule("enci", "ence", POSITIVE_MEASURE), new Rule("anci", "ance", POSITIVE_MEASURE),
        new Rule("izer", "ize", POSITIVE_MEASURE), new Rule("bli", "ble", POSITIVE_MEASURE),
        new Rule("alli", "al", POSITIVE_MEASURE), new Rule("entli", "ent", POSITIVE_MEASURE),
        new Rule("eli", "e", POSITIVE_MEASURE), new Rule("ousli", "ous", POSITIVE_MEASURE),
        new Rule("ization", "ize", POSITIVE_MEASURE), new Rule("ation", "ate", POSITIVE_MEASURE),
        new Rule("ator", "ate", POSITIVE_MEASURE), new Rule("alism", "al", POSITIVE_MEASURE),
        new Rule("iveness", "ive", POSITIVE_MEASURE), new Rule("fulness", "ful", POSITIVE_MEASURE),
        new Rule("ousness", "ous", POSITIVE_MEASURE), new Rule("aliti", "al", POSITIVE_MEASURE),
        new Rule("iviti", "ive", POSITIVE_MEASURE), new Rule("biliti", "ble", POSITIVE_MEASURE),
        new Rule("fulli", "ful", POSITIVE_MEASURE),
        // NLTK keeps the 'l' with the stem when measuring, so geo-logi and theo-logi shorten like philo-logi.
        new Rule("logi", "log", s -> measure(s + "l") > 0),
    };

    private static final Rule[] STEP3 = {
        new Rule("icate", "ic", POSITIVE_MEASURE), new Rule("ative", "", POSITIVE_MEASURE),
        new Rule("alize", "al", POSITIVE_MEASURE), new Rule("iciti", "ic", POSITIVE_MEASURE),
        new Rule("ical", "ic", POSITIVE_MEASURE), new Rule("ful", "", POSITIVE_MEASURE),
        new Rule("ness", "", POSITIVE_MEASURE),
    };

    private static final Rule[] STEP4 = {
        new Rule("al", "", MEASURE_ABOVE_ONE), new Rule("ance", "", MEASURE_ABOVE_ONE),
        new Rule("ence", "", MEASURE_ABOVE_ONE), new Rule("er", "", MEASURE_ABOVE_ONE),
        new Rule("ic", "", MEASURE_ABOVE_ONE), new Rule("able", "", MEASURE_ABOVE_ONE),
        new Rule("ible", "", MEASURE_ABOVE_ONE), new Rule("ant", "", MEASURE_ABOVE_ONE),
        new Rule("ement", "", MEASURE_ABOVE_ONE), new Rule("ment", "", MEASURE_ABOVE_ONE),
        new Rule("ent", "", MEASURE_ABOVE_ONE),
        new Rule("ion", "", s -> measure(s) > 1 && (s.endsWith("s") || s.endsWith("t"))),
        new Rule("ou", "", MEASURE_ABOVE_ONE), new Rule("ism", "", MEASURE_ABOVE_ONE),
        new Rule("ate", "", MEASURE_ABOVE_ONE), new Rule("iti", "", MEASURE_ABOVE_ONE),
        new Rule("ous", "", MEASURE_ABOVE_ONE), new Rule("ive", "", MEASURE_ABOVE_ONE),
        new Rule("ize", "", MEASURE_ABOVE_ONE),
    };

    /** Stems one word; the word is lower-cased first (as NLTK does by default). */
    public String stem(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        String irregular = IRREGULAR.get(w);
        if (irregular != null) {
            return irregular;
        }
        if (w.length() <= 2) {
            return w;
        }
        w = step1a(w);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = applyFirstMatching(w, STEP3);
        w = applyFirstMatching(w, STEP4);
        w = step5a(w);
        return step5b(w);
    }

    static boolean isConsonant(CharSequence w, int i) {
        char c = w.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
            return false;
        }
        if (c == 'y') {
            return i == 0 || !isConsonant(w, i - 1);
        }
        return true;
    }

    /** Porter's m: the number of vowel-run-then-consonant-run transitions in [C](VC)^m[V]. */
    static int measure(String stem) {
        int m = 0;
        boolean previousVowel = false;
        for (int i = 0; i < stem.length(); i++) {
            boolean consonant = isConsonant(stem, i);
            if (consonant && previousVowel) {
                m++;
            }
            previousVowel = !consonant;
        }
        return m;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!isConsonant(stem, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
    }

    /** Condition *o: ends consonant-vowel-consonant, last not w/x/y; NLTK also accepts a two-letter "vc" stem. */
    private static boolean endsCvc(String w) {
        int n = w.length();
        if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)) {
            char last = w.charAt(n - 1);
            return last != 'w' && last != 'x' && last != 'y';
        }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
    }

    private static String applyFirstMatching(String w, Rule[] rules) {
        for (Rule rule : rules) {
            if (w.endsWith(rule.suffix())) {
                String stem = w.substring(0, w.length() - rule.suffix().length());
                return rule.condition().test(stem) ? stem + rule.replacement() : w;
            }
        }
        return w;
    }

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) {
            return w.substring(0, 1) + "ie";
        }
        if (w.endsWith("sses")) {
            return w.substring(0, w.length() - 2);
        }
        if (w.endsWith("ies")) {
            return w.substring(0, w.length() - 2);
        }
        if (w.endsWith("ss")) {
            return w;
        }
        if (w.endsWith("s")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) {
            String stem = w.substring(0, w.length() - 3);
            return w.length() == 4 ? stem + "ie" : stem + "i";
        }
        if (w.endsWith("eed")) {
            String stem = w.substring(0, w.length() - 3);
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem;
        if (w.endsWith("ed") && containsVowel(w.substring(0, w.length() - 2))) {
            stem = w.substring(0, w.length() - 2);
        } else if (w.endsWith("ing") && containsVowel(w.substring(0, w.length() - 3))) {
            stem = w.substring(0, w.length() - 3);
        } else {
            return w;
        }
        // Tidy the stem so that later steps can recognise -ate, -ble, -ize, and undouble hopp(ing) -> hop.
        if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) {
            return stem + "e";
        }
        if (endsDoubleConsonant(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last == 'l' || last == 's' || last == 'z' ? stem : stem.substring(0, stem.length() - 1);
        }
        if (measure(stem) == 1 && endsCvc(stem)) {
            return stem + "e";
        }
        return stem;
    }

    private static String step1c(String w) {
        int n = w.length();
        if (w.endsWith("y") && n - 1 > 1 && isConsonant(w, n - 2)) {
            return w.substring(0, n - 1) + "i";
        }
        return w;
    }

    private static String step2(String w) {
        if (w.endsWith("alli") && measure(w.substring(0, w.length() - 4)) > 0) {
            return step2(w.substring(0, w.length() - 4) + "al");
        }
        return applyFirstMatching(w, STEP2);
    }

    private static String step5a(String w) {
        if (w.endsWith("e")) {
            String stem = w.substring(0, w.length() - 1);
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) {
                return stem;
            }
        }
        return w;
    }

    private static String step5b(String w) {
        if (w.endsWith("ll") && measure(w.substring(0, w.length() - 1)) > 1) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }
}
