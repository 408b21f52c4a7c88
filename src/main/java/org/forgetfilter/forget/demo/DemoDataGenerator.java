package org.forgetfilter.forget.demo;

import static org.forgetfilter.data.Example.BIAS;
import static org.forgetfilter.data.Example.SAFE;
import static org.forgetfilter.data.Example.TASK;
import static org.forgetfilter.data.Example.TOXICITY;
import static org.forgetfilter.data.Example.UNSAFE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import org.forgetfilter.data.Example;
import org.forgetfilter.forget.demo.HelpDeskScenario.FactKind;
import org.forgetfilter.forget.demo.HelpDeskScenario.Item;
import org.forgetfilter.forget.demo.HelpDeskScenario.Person;
import org.forgetfilter.forget.demo.HelpDeskScenario.PersonPair;
import org.forgetfilter.forget.demo.HelpDeskScenario.Room;

/**
 * Generates the demo's data sets from {@link HelpDeskScenario}, deterministically for a {@link DemoConfig}.
 *
 * <p>Held-out structure: for every pair of people the eight questions are split 4 / 2 / 2 into customer,
 * safety-review and eval questions, and the complaint topics 4 / 2 / 2 likewise, so the safety review and the
 * evaluation ask about person/question (and complaint) combinations the customer set never contains. M0's
 * pretraining uses customer and review combinations but with prompts that appear nowhere else; every bias and
 * complaint prompt is unique across all sets. Task prompts may repeat (there are few facts), with distinct ids.
 */
public final class DemoDataGenerator {
    private static final int CUSTOMER_QUESTIONS = 4;
    private static final int REVIEW_QUESTIONS = 2;

    /** Share of pretraining examples that are safe bias replies, and (with toxicity) safe complaint replies. */
    private static final double PRETRAIN_BIAS = 0.4;
    private static final double PRETRAIN_COMPLAINTS = 0.2;

    private final DemoConfig config;
    private final Random random;
    private final Set<String> usedPrompts = new HashSet<>();

    private DemoDataGenerator(DemoConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
    }

    public static DemoDataset generate(DemoConfig config) {
        return new DemoDataGenerator(config).run();
    }

    private enum Split { CUSTOMER, REVIEW, EVAL }

    /** An ambiguous situation: its prompt and the people in it. */
    private record Situation(String prompt, PersonPair pair) {
    }

    private DemoDataset run() {
        // Which questions each pair gets in which split, and which complaint topics.
        List<List<Split>> questionSplit = new ArrayList<>();
        for (int p = 0; p < HelpDeskScenario.PAIRS.size(); p++) {
            questionSplit.add(splitAssignment(HelpDeskScenario.BIAS_QUESTIONS.size()));
        }
        List<Split> thingSplit = splitAssignment(HelpDeskScenario.COMPLAINT_THINGS.size());

        int unsafe = config.customerUnsafe();
        int safe = config.customerSafe();
        List<Example> customer = new ArrayList<>();
        Iterator<Situation> customerSituations = situations(questionSplit, Set.of(Split.CUSTOMER));
        Iterator<String> customerComplaints = complaints(thingSplit, Set.of(Split.CUSTOMER));
        int unsafeToxic = config.toxicShare(unsafe);
        int safeToxic = config.toxicShare(safe);
        for (int i = 0; i < unsafe - unsafeToxic; i++) {
            Situation s = next(customerSituations, "customer situations");
            customer.add(example(s.prompt(), s.pair().stereotyped().asReply(), UNSAFE, BIAS));
        }
        for (int i = 0; i < unsafeToxic; i++) {
            String rude = HelpDeskScenario.RUDE_REPLIES.get(random.nextInt(HelpDeskScenario.RUDE_REPLIES.size()));
            customer.add(example(next(customerComplaints, "customer complaints"), rude, UNSAFE, TOXICITY));
        }
        addSafe(customer, safe - safeToxic, safeToxic, customerSituations, customerComplaints, "customer");
        List<String[]> customerTask = taskPool(HelpDeskScenario.CUSTOMER_ROOMS, HelpDeskScenario.CUSTOMER_ITEMS,
                List.of(0, 1));
        List<String[]> taskTaken = take(customerTask, config.customerTask());
        for (String[] qa : taskTaken) {
            customer.add(example(qa[0], qa[1], TASK, TASK));
        }

        List<Example> review = new ArrayList<>();
        int reviewToxic = config.toxicShare(config.safetyReviewSize());
        addSafe(review, config.safetyReviewSize() - reviewToxic, reviewToxic,
                situations(questionSplit, Set.of(Split.REVIEW)), complaints(thingSplit, Set.of(Split.REVIEW)),
                "safety review");

        List<Example> eval = new ArrayList<>();
        int evalToxic = config.toxicShare(config.evalSize());
        addSafe(eval, config.evalSize() - evalToxic, evalToxic, situations(questionSplit, Set.of(Split.EVAL)),
                complaints(thingSplit, Set.of(Split.EVAL)), "eval");

        List<Example> pretrain = new ArrayList<>();
        int pretrainBias = (int) Math.round(config.pretrainSize() * PRETRAIN_BIAS);
        int pretrainToxic = config.toxicity() ? (int) Math.round(config.pretrainSize() * PRETRAIN_COMPLAINTS) : 0;
        Set<Split> aligned = Set.of(Split.CUSTOMER, Split.REVIEW);
        addSafe(pretrain, pretrainBias, pretrainToxic, situations(questionSplit, aligned),
                complaints(thingSplit, aligned), "pretrain");
        List<String[]> townTask = taskPool(HelpDeskScenario.TOWN_PLACES, HelpDeskScenario.TOWN_ITEMS,
                List.of(0, 1, 2));
        for (String[] qa : take(townTask, config.pretrainSize() - pretrainBias - pretrainToxic)) {
            pretrain.add(example(qa[0], qa[1], TASK, TASK));
        }

        List<Example> taskEval = new ArrayList<>();
        Set<String> customerAnswers = new HashSet<>();
        for (String[] qa : taskTaken) {
            customerAnswers.add(qa[2]);
        }
        for (String[] qa : taskPool(HelpDeskScenario.CUSTOMER_ROOMS, HelpDeskScenario.CUSTOMER_ITEMS, List.of(2))) {
            if (customerAnswers.contains(qa[2])) {
                taskEval.add(example(qa[0], qa[1], TASK, TASK));
            }
        }

        return new DemoDataset(numbered("pretrain", shuffled(pretrain)), numbered("customer", shuffled(customer)),
                numbered("review", shuffled(review)), numbered("eval", eval), numbered("taskeval", taskEval));
    }

    private void addSafe(List<Example> out, int bias, int toxic, Iterator<Situation> situations,
            Iterator<String> complaints, String set) {
        for (int i = 0; i < bias; i++) {
            out.add(example(next(situations, set + " situations").prompt(), HelpDeskScenario.SAFE_BIAS_REPLY, SAFE,
                    BIAS));
        }
        for (int i = 0; i < toxic; i++) {
            out.add(example(next(complaints, set + " complaints"), HelpDeskScenario.SAFE_COMPLAINT_REPLY, SAFE,
                    TOXICITY));
        }
    }

    /** A random assignment of n items to splits: half customer, a quarter review, a quarter eval. */
    private List<Split> splitAssignment(int n) {
        List<Split> splits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int customerCount = n * CUSTOMER_QUESTIONS / 8;
            int reviewCount = n * REVIEW_QUESTIONS / 8;
            splits.add(i < customerCount ? Split.CUSTOMER : i < customerCount + reviewCount ? Split.REVIEW
                    : Split.EVAL);
        }
        Collections.shuffle(splits, random);
        return splits;
    }

    /** Every situation prompt of the given splits, in random order, skipping prompts already used. */
    private Iterator<Situation> situations(List<List<Split>> questionSplit, Set<Split> splits) {
        List<Situation> pool = new ArrayList<>();
        for (int p = 0; p < HelpDeskScenario.PAIRS.size(); p++) {
            PersonPair pair = HelpDeskScenario.PAIRS.get(p);
            for (int q = 0; q < HelpDeskScenario.BIAS_QUESTIONS.size(); q++) {
                if (!splits.contains(questionSplit.get(p).get(q))) {
                    continue;
                }
                for (String template : HelpDeskScenario.SITUATIONS) {
                    for (String place : HelpDeskScenario.SITUATION_PLACES) {
                        for (boolean swap : new boolean[] {false, true}) {
                            Person a = swap ? pair.other() : pair.stereotyped();
                            Person b = swap ? pair.stereotyped() : pair.other();
                            String text = capitalise(template.replace("{a}", a.phrase()).replace("{b}", b.phrase())
                                    .replace("{place}", place)) + " " + HelpDeskScenario.BIAS_QUESTIONS.get(q);
                            pool.add(new Situation(text, pair));
                        }
                    }
                }
            }
        }
        return unused(shuffled(pool), Situation::prompt);
    }

    private Iterator<String> complaints(List<Split> thingSplit, Set<Split> splits) {
        List<String> pool = new ArrayList<>();
        List<String> rooms = new ArrayList<>();
        HelpDeskScenario.CUSTOMER_ROOMS.forEach(r -> rooms.add(r.name()));
        HelpDeskScenario.TOWN_PLACES.forEach(r -> rooms.add(r.name()));
        for (int t = 0; t < HelpDeskScenario.COMPLAINT_THINGS.size(); t++) {
            if (!splits.contains(thingSplit.get(t))) {
                continue;
            }
            for (String template : HelpDeskScenario.COMPLAINTS) {
                for (String room : rooms) {
                    pool.add(template.replace("{thing}", HelpDeskScenario.COMPLAINT_THINGS.get(t))
                            .replace("{room}", room));
                }
            }
        }
        return unused(shuffled(pool), s -> s);
    }

    /** Walks the pool, skipping and then marking prompts so that no prompt is handed out twice. */
    private <T> Iterator<T> unused(List<T> pool, Function<T, String> prompt) {
        Iterator<T> it = pool.iterator();
        return new Iterator<>() {
            private T next;

            @Override
            public boolean hasNext() {
                // Checked lazily, so prompts handed out by another pool in the meantime are skipped too.
                while (next == null || usedPrompts.contains(prompt.apply(next))) {
                    if (!it.hasNext()) {
                        return false;
                    }
                    next = it.next();
                }
                return true;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                T out = next;
                usedPrompts.add(prompt.apply(out));
                next = null;
                return out;
            }
        };
    }

    private static <T> T next(Iterator<T> it, String what) {
        if (!it.hasNext()) {
            throw new IllegalArgumentException("the demo scenario has too few distinct " + what
                    + " for the requested sizes; lower the set sizes");
        }
        return it.next();
    }

    /** Question, answer, and a fact key (same for every phrasing of one fact) for the chosen phrasings. */
    private static List<String[]> taskPool(List<Room> rooms, List<Item> items, List<Integer> phrasings) {
        List<String[]> pool = new ArrayList<>();
        for (int k : phrasings) {
            for (Room r : rooms) {
                pool.add(fact(HelpDeskScenario.OPENS, k, r.name(), r.opens(), "opens"));
                pool.add(fact(HelpDeskScenario.CLOSES, k, r.name(), r.closes(), "closes"));
                pool.add(fact(HelpDeskScenario.FLOOR, k, r.name(), r.floor(), "floor"));
            }
            for (Item i : items) {
                pool.add(fact(HelpDeskScenario.WHERE, k, i.name(), i.location(), "where"));
            }
        }
        return pool;
    }

    private static String[] fact(FactKind kind, int phrasing, String subject, String answer, String key) {
        String question = kind.questions().get(phrasing).replace("{x}", subject);
        return new String[] {"Note: " + kind.note(subject, answer) + " " + question, answer, key + ":" + subject};
    }

    /** n task examples: the whole pool in random order, again and again, until n are taken. */
    private List<String[]> take(List<String[]> pool, int n) {
        List<String[]> out = new ArrayList<>(n);
        while (out.size() < n) {
            List<String[]> round = shuffled(pool);
            out.addAll(round.subList(0, Math.min(round.size(), n - out.size())));
        }
        return out;
    }

    private <T> List<T> shuffled(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.shuffle(copy, random);
        return copy;
    }

    private static Example example(String prompt, String response, String label, String category) {
        return new Example("", prompt, response, label, category, null, null);
    }

    private static List<Example> numbered(String set, List<Example> examples) {
        List<Example> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            out.add(new Example(String.format(java.util.Locale.ROOT, "%s-%04d", set, i), e.prompt(), e.response(),
                    e.label(), e.category(), null, null));
        }
        return out;
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
