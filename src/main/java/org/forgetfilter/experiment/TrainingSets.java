package org.forgetfilter.experiment;

import org.forgetfilter.data.Example;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The training sets of one seed: the safe set (M0's finetune, the safety finetune and replay draw on it), the
 * task examples M0 learns, and the customer's noisy set at an unsafe ratio. Per category the noisy set holds
 * {@code round(n * ratio)} unsafe and the rest safe examples, plus task examples half SQuAD, half Alpaca;
 * safe examples in the noisy set never appear in the safe set (and vice versa). Deterministic for a seed.
 */
public final class TrainingSets {
    private final List<Example> safe;
    private final List<Example> m0Task;
    private final List<Example> noisy;

    public TrainingSets(ExperimentData data, ExperimentConfig config, double unsafeRatio, long seed) {
        int perCategory = config.integer("sizes.noisyPerCategory", 100);
        int safePerCategory = config.integer("sizes.safePerCategory", 50);
        int taskInNoisy = config.integer("sizes.taskInNoisy", 100);
        int taskInM0 = config.integer("sizes.m0Task", 100);
        // The safe set and M0's task examples depend on the seed only, not on the ratio, so M0 is shared by
        // every ratio of the sweep.
        Random fixed = new Random(seed);
        List<Example> safeSet = new ArrayList<>();
        Set<String> reserved = new HashSet<>();
        for (String c : data.categories()) {
            List<Example> s = shuffled(data.pool(c).safe(), fixed);
            safeSet.addAll(s.subList(0, Math.min(safePerCategory, s.size())));
        }
        safeSet.forEach(e -> reserved.add(e.id()));
        List<Example> squad = shuffled(data.squadPool(), fixed);
        List<Example> alpaca = shuffled(data.alpacaPool(), fixed);
        int m0Squad = Math.min(squad.size(), taskInM0 / 2);
        int m0Alpaca = Math.min(alpaca.size(), taskInM0 - m0Squad);
        List<Example> task = new ArrayList<>(squad.subList(0, m0Squad));
        task.addAll(alpaca.subList(0, m0Alpaca));

        Random r = new Random(seed * 31 + Math.round(unsafeRatio * 1000));
        List<Example> mix = new ArrayList<>();
        for (String c : data.categories()) {
            int nUnsafe = (int) Math.round(perCategory * unsafeRatio);
            List<Example> u = shuffled(data.pool(c).unsafe(), r);
            List<Example> s = shuffled(data.pool(c).safe(), r);
            s.removeIf(e -> reserved.contains(e.id()));
            require(u.size() >= nUnsafe, c + ": " + u.size() + " unsafe examples in the pool, " + nUnsafe + " needed");
            require(s.size() >= perCategory - nUnsafe, c + ": " + s.size() + " safe examples left in the pool, "
                    + (perCategory - nUnsafe) + " needed");
            mix.addAll(u.subList(0, nUnsafe));
            mix.addAll(s.subList(0, perCategory - nUnsafe));
        }
        // The customer's task examples are other questions than the ones M0 learned.
        int nSquad = Math.min(squad.size() - m0Squad, taskInNoisy / 2);
        int nAlpaca = Math.min(alpaca.size() - m0Alpaca, taskInNoisy - nSquad);
        mix.addAll(squad.subList(m0Squad, m0Squad + Math.max(0, nSquad)));
        mix.addAll(alpaca.subList(m0Alpaca, m0Alpaca + Math.max(0, nAlpaca)));
        Collections.shuffle(mix, r);
        this.safe = safeSet;
        this.m0Task = task;
        this.noisy = mix;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("noisy set: " + message + " (lower sizes.noisyPerCategory or "
                    + "sizes.safePerCategory)");
        }
    }

    private static List<Example> shuffled(List<Example> l, Random r) {
        List<Example> c = new ArrayList<>(l);
        Collections.shuffle(c, r);
        return c;
    }

    public List<Example> safe() {
        return safe;
    }

    public List<Example> m0Task() {
        return m0Task;
    }

    /** M0's training set: safe examples and task examples. */
    public List<Example> m0Data() {
        List<Example> all = new ArrayList<>(safe);
        all.addAll(m0Task);
        Collections.shuffle(all, new Random(7));
        return all;
    }

    public List<Example> noisy() {
        return noisy;
    }

    /** The noisy set without the examples flagged in {@code removed}. */
    public List<Example> kept(boolean[] removed) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < noisy.size(); i++) {
            if (!removed[i]) {
                out.add(noisy.get(i));
            }
        }
        return out;
    }

    /** Replay: the noisy set plus {@code ratio * |noisy|} safe examples (repeated when the safe set is smaller). */
    public List<Example> replay(double ratio, long seed) {
        List<Example> out = new ArrayList<>(noisy);
        int n = (int) Math.round(ratio * noisy.size());
        List<Example> s = shuffled(safe, new Random(seed));
        for (int i = 0; i < n && !s.isEmpty(); i++) {
            out.add(s.get(i % s.size()));
        }
        Collections.shuffle(out, new Random(seed + 1));
        return out;
    }

    /** Ids in order, the identity of a set for the stage cache. */
    public static String idsHash(List<Example> examples) {
        StringBuilder b = new StringBuilder();
        for (Example e : examples) {
            b.append(e.id()).append('\n');
        }
        return ExperimentConfig.hash(b.toString());
    }
}
