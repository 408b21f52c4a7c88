package org.forgetfilter.forget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import org.forgetfilter.model.ModelConfig;
import org.forgetfilter.model.TinyModels;
import org.forgetfilter.model.TransformerLm;
import org.junit.jupiter.api.Test;

class ReviewProximityTest {

    @Test
    void examplesAsCloseAsATypicalReviewPromptKeepTheirForgettingFartherOnesAreDiscounted() {
        // distances 1 - similarity: 0, 0.1, 0.2, 0.5, 1.0 against a reference distance of 0.2
        ReviewProximity p = ReviewProximity.of(new double[] {1.0, 0.9, 0.8, 0.5, 0.0}, 0.2);
        assertArrayEquals(new double[] {1, 1, 1, 0.4, 0.2}, p.weight(), 1e-12);
        assertArrayEquals(new double[] {0.3, -0.1, 0, 0.08, 0.1}, p.weigh(new double[] {0.3, -0.1, 0, 0.2, 0.5}),
                1e-12);
    }

    @Test
    void reviewPromptsMeasuredAsDataGetFullWeightAtLeastHalfTheTime() {
        // A review prompt's similarity as data counts itself (1.0) among its nearest, so its distance is at most
        // its leave-one-out distance; the reference is the median of those: weight 1 for at least half of them.
        ModelConfig cfg = TinyModels.llama(true);
        List<int[]> review = List.of(new int[] {1, 4, 5, 6}, new int[] {1, 4, 5, 7}, new int[] {1, 4, 9, 6},
                new int[] {1, 3, 5, 6, 2}, new int[] {1, 4, 5}, new int[] {1, 8, 8}, new int[] {1, 2, 2, 2, 9});
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm model = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 9))) {
            ReviewProximity p = ReviewProximity.measure(model, review, review, 2);
            assertTrue(p.referenceDistance() > 0);
            long full = Arrays.stream(p.weight()).filter(w -> w == 1).count();
            assertTrue(2 * full >= review.size(), "weights " + Arrays.toString(p.weight()));
            // A prompt unlike any review prompt is farther away and discounted.
            ReviewProximity far = ReviewProximity.measure(model, List.of(new int[] {1, 30, 31, 32, 33, 34, 35}),
                    review, 2);
            assertTrue(far.weight()[0] < 1, "weight " + far.weight()[0]);
        }
    }

    @Test
    void nearestMeanByHand() {
        float[][] review = {{1, 0}, {0, 1}, {0.6f, 0.8f}};
        float[][] data = {{1, 0}, {0, 1}};
        try (NDManager m = NDManager.newBaseManager()) {
            // k = min(5, 3) = 3: the mean over all three review vectors.
            assertArrayEquals(new double[] {(1 + 0 + 0.6) / 3, (0 + 1 + 0.8) / 3},
                    ReviewProximity.nearestMean(m, data, review, false), 1e-6);
            // leave-one-out, k = 2: the other two.
            assertArrayEquals(new double[] {(0 + 0.6) / 2, (0 + 0.8) / 2, (0.6 + 0.8) / 2},
                    ReviewProximity.nearestMean(m, review, review, true), 1e-6);
            // with more than five neighbours only the five largest count
            float[][] many = new float[8][];
            for (int j = 0; j < 8; j++) {
                double angle = j * 0.1;
                many[j] = new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
            }
            double expected = 0;
            for (int j = 0; j < 5; j++) {
                expected += Math.cos(j * 0.1) / 5;
            }
            assertEquals(expected, ReviewProximity.nearestMean(m, new float[][] {{1, 0}}, many, false)[0], 1e-6);
        }
    }

    @Test
    void reviewPromptsThatDoNotSpreadLeaveTheForgettingRateAlone() {
        ReviewProximity p = ReviewProximity.of(new double[] {0.99, 0.1}, 0);
        assertArrayEquals(new double[] {1, 1}, p.weight());
    }

    @Test
    void unitVectorsAndMedianByHand() {
        float[][] u = ReviewProximity.unit(new float[][] {{3, 4}, {0, 0}});
        assertArrayEquals(new float[] {0.6f, 0.8f}, u[0], 1e-7f);
        assertArrayEquals(new float[] {0, 0}, u[1]);
        assertEquals(2, ReviewProximity.median(new double[] {3, 1, 2}));
        assertEquals(2.5, ReviewProximity.median(new double[] {4, 1, 3, 2}));
    }
}
