package org.forgetfilter.forget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
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
        ModelConfig cfg = TinyModels.llama(true);
        List<int[]> review = List.of(new int[] {1, 4, 5, 6}, new int[] {1, 4, 5, 7}, new int[] {1, 4, 9, 6},
                new int[] {1, 3, 5, 6, 2}, new int[] {1, 4, 5});
        try (NDManager root = NDManager.newBaseManager();
             TransformerLm model = TransformerLm.create(root, cfg, TinyModels.weights(cfg, 9))) {
            ReviewProximity p = ReviewProximity.measure(model, review, review, 2);
            long full = java.util.Arrays.stream(p.weight()).filter(w -> w == 1).count();
            assertEquals(true, full >= 3, "weights " + java.util.Arrays.toString(p.weight()));
            assertEquals(true, p.referenceDistance() > 0);
            for (int i = 0; i < review.size(); i++) {
                double d = 1 - p.similarity()[i];
                assertEquals(d <= p.referenceDistance() ? 1 : p.referenceDistance() / d, p.weight()[i], 1e-12);
            }
        }
    }

    @Test
    void reviewPromptsThatDoNotSpreadLeaveTheForgettingRateAlone() {
        ReviewProximity p = ReviewProximity.of(new double[] {0.99, 0.1}, 0);
        assertArrayEquals(new double[] {1, 1}, p.weight());
    }

    @Test
    void cosineAndMedianByHand() {
        assertEquals(1, ReviewProximity.cosine(new float[] {2, 0}, new double[] {5, 0}), 1e-12);
        assertEquals(0, ReviewProximity.cosine(new float[] {0, 3}, new double[] {1, 0}), 1e-12);
        assertEquals(Math.sqrt(0.5), ReviewProximity.cosine(new float[] {1, 1}, new double[] {0, 4}), 1e-12);
        assertEquals(0, ReviewProximity.cosine(new float[] {0, 0}, new double[] {1, 0}));
        assertEquals(2, ReviewProximity.median(new double[] {3, 1, 2}));
        assertEquals(2.5, ReviewProximity.median(new double[] {4, 1, 3, 2}));
    }
}
