package org.forgetfilter.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Toxicity from offensive-word lists (one entry per line; blank lines and lines starting with '#' ignored).
 * Text and entries are tokenised alike: lower-case, runs of [a-z0-9] (so "a$$" becomes the phrase "a"), and an
 * entry of several tokens ("2 girls 1 cup") matches only as consecutive tokens. Whole tokens only: "class" does
 * not match "ass". Entries that tokenise to nothing are dropped.
 *
 * <p>{@link Mode#INDICATOR}: 1 when any entry occurs, else 0. {@link Mode#FRACTION}: the fraction of the text's
 * tokens covered by some matched entry (0 for a text with no tokens).
 */
public final class LexiconToxicityScorer implements ToxicityScorer {
    public enum Mode { INDICATOR, FRACTION }

    private final Set<List<String>> entries;
    private final int longestEntry;
    private final Mode mode;
    private final String name;

    public LexiconToxicityScorer(List<Path> listFiles, Mode mode) throws IOException {
        Set<List<String>> set = new HashSet<>();
        List<String> names = new ArrayList<>();
        for (Path p : listFiles) {
            names.add(p.getFileName().toString());
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                List<String> tokens = tokens(entry);
                if (!tokens.isEmpty()) {
                    set.add(tokens);
                }
            }
        }
        if (set.isEmpty()) {
            throw new IOException("no lexicon entries in " + listFiles);
        }
        this.entries = Set.copyOf(set);
        this.longestEntry = set.stream().mapToInt(List::size).max().orElse(1);
        this.mode = mode;
        this.name = "lexicon-" + mode.name().toLowerCase(Locale.ROOT) + "(" + String.join("+", names) + ")";
    }

    public int entryCount() {
        return entries.size();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double score(String text) {
        List<String> tokens = tokens(text);
        boolean[] covered = new boolean[tokens.size()];
        int coveredCount = 0;
        for (int start = 0; start < tokens.size(); start++) {
            for (int len = 1; len <= longestEntry && start + len <= tokens.size(); len++) {
                if (entries.contains(tokens.subList(start, start + len))) {
                    if (mode == Mode.INDICATOR) {
                        return 1;
                    }
                    for (int k = start; k < start + len; k++) {
                        coveredCount += covered[k] ? 0 : 1;
                        covered[k] = true;
                    }
                }
            }
        }
        return tokens.isEmpty() ? 0 : (double) coveredCount / tokens.size();
    }

    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder t = new StringBuilder();
        for (int i = 0; i <= lower.length(); i++) {
            char c = i < lower.length() ? lower.charAt(i) : ' ';
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                t.append(c);
            } else if (t.length() > 0) {
                out.add(t.toString());
                t.setLength(0);
            }
        }
        return out;
    }
}
