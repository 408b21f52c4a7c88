package org.forgetfilter.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RougeOneTest {
    private static final double EPS = 1e-12;
    private final RougeOne rouge = RougeOne.withStemmer();

    @Test
    void tokenizerLowercasesSplitsOnNonAlphanumericsAndStemsLongTokens() {
        assertEquals(List.of("the", "cat", "doe", "run", "was", "it", "s", "42"),
                new RougeTokenizer(true).tokenize("The CAT does running; was it's 42?!"));
        assertEquals(List.of("the", "cat", "does", "running"), new RougeTokenizer(false).tokenize("The cat does running"));
        assertEquals(List.of("caf", "na", "ve"), new RougeTokenizer(true).tokenize("café naïve"));
    }

    @Test
    void readmeSentencePair() {
        // ref: the quick brown fox jump over the lazi dog (9); pred: the quick brown dog jump on the log (8)
        // overlap the x2, quick, brown, dog, jump = 6 -> P 6/8, R 6/9, F 12/17.
        RougeScore s = rouge.score("The quick brown fox jumps over the lazy dog", "The quick brown dog jumps on the log.");
        assertEquals(6.0 / 8, s.precision(), EPS);
        assertEquals(6.0 / 9, s.recall(), EPS);
        assertEquals(12.0 / 17, s.fmeasure(), EPS);
    }

    @Test
    void stemmingMakesInflectionsMatch() {
        // ref: cat run; pred: the cat run -> overlap 2, P 2/3, R 1, F 0.8
        assertEquals(0.8, rouge.fmeasure("cats running", "the cat runs"), EPS);
        assertEquals(0.0, new RougeOne(new RougeTokenizer(false)).fmeasure("cats running", "the cat runs"), EPS);
    }

    @Test
    void overlapIsClippedToTheSmallerCount() {
        // ref a a b, pred a a a c: overlap 2, P 2/4, R 2/3, F 4/7
        RougeScore s = rouge.score("a a b", "a a a c");
        assertEquals(0.5, s.precision(), EPS);
        assertEquals(2.0 / 3, s.recall(), EPS);
        assertEquals(4.0 / 7, s.fmeasure(), EPS);
    }

    @Test
    void emptySidesScoreZeroLikeRougeScore() {
        assertEquals(RougeScore.ZERO, rouge.score("", "something"));
        assertEquals(RougeScore.ZERO, rouge.score("something", "?!"));
        assertEquals(RougeScore.ZERO, rouge.score("", ""));
        assertEquals(1.0, rouge.fmeasure("Hello, World!", "hello world"), EPS);
    }

    @Test
    void completionCleaningFollowsThePaper() {
        assertEquals("the answer yes it is", RougeOne.cleanCompletion(" \n\nThe Answer: Yes, it is.\nSecond line"));
        assertEquals("hi there", RougeOne.cleanCompletion("Hi there!!!"));
        assertEquals("don't stop-go", RougeOne.cleanCompletion("Don't; stop-go?\r\nmore"));
        assertEquals("", RougeOne.cleanCompletion("\n .\n,,\n"));
    }

    @Test
    void rougeLUsesTheLongestCommonSubsequence() {
        // LCS of the two README sentences: the quick brown jump the = 5 -> P 5/8, R 5/9, F 10/17
        RougeScore s = RougeL.withStemmer().score("The quick brown fox jumps over the lazy dog",
                "The quick brown dog jumps on the log.");
        assertEquals(5.0 / 8, s.precision(), EPS);
        assertEquals(5.0 / 9, s.recall(), EPS);
        assertEquals(10.0 / 17, s.fmeasure(), EPS);
        // order matters for L but not for 1: "b a" vs "a b" -> LCS 1
        assertEquals(0.5, RougeL.withStemmer().fmeasure("a b", "b a"), EPS);
        assertEquals(1.0, rouge.fmeasure("a b", "b a"), EPS);
        assertEquals(RougeScore.ZERO, RougeL.withStemmer().score("", "a"));
    }
}
