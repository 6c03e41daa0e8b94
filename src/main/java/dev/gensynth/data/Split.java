package dev.gensynth.data;

import dev.gensynth.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A training/validation partition of one dataset.
 *
 * @param train      the samples to train on
 * @param validation the held-out samples, disjoint from {@code train}
 */
public record Split(Dataset train, Dataset validation) {

    /**
     * Splits {@code d} at random, stratified by class: each class contributes
     * {@code round(validationFraction * its count)} samples to validation, so a small validation
     * set still has every class in its original proportion. Both halves keep the original sample
     * order (shuffling for training is the trainer's job); the same seed always gives the same
     * split, which is what makes runs comparable.
     *
     * @throws UserError if the fraction is not in (0, 1) or leaves either half empty
     */
    public static Split of(Dataset d, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new UserError("the validation fraction must be between 0 and 1 (exclusive), got "
                    + validationFraction + "; 0.1 is a common choice.");
        }
        boolean[] inValidation = validationMask(d, validationFraction, seed);
        int nValidation = 0;
        for (boolean v : inValidation) {
            nValidation += v ? 1 : 0;
        }
        if (nValidation == 0 || nValidation == d.size()) {
            throw new UserError("a validation fraction of " + validationFraction + " of the " + d.size()
                    + " samples in " + d.name() + " leaves the " + (nValidation == 0 ? "validation" : "training")
                    + " split empty; use more data or a " + (nValidation == 0 ? "larger" : "smaller") + " fraction.");
        }
        int[] train = new int[d.size() - nValidation];
        int[] validation = new int[nValidation];
        int t = 0;
        int v = 0;
        for (int i = 0; i < d.size(); i++) {
            if (inValidation[i]) {
                validation[v++] = i;
            } else {
                train[t++] = i;
            }
        }
        return new Split(d.subset(train), d.subset(validation));
    }

    /**
     * Which samples of {@code d} {@link #of} puts in validation: per class, the first
     * {@code round(validationFraction * its count)} of a seeded shuffle of its members.
     */
    public static boolean[] validationMask(Dataset d, double validationFraction, long seed) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < d.classes(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < d.size(); i++) {
            byClass.get(d.y()[i]).add(i);
        }
        Random rnd = new Random(seed);
        boolean[] inValidation = new boolean[d.size()];
        for (List<Integer> members : byClass) {
            int take = (int) Math.round(validationFraction * members.size());
            int[] order = shuffledIndices(members.size(), rnd);
            for (int k = 0; k < take; k++) {
                inValidation[members.get(order[k])] = true;
            }
        }
        return inValidation;
    }

    /**
     * A uniformly random permutation of {@code 0..n-1} (Fisher–Yates). The caller owns the
     * {@link Random} so that one seeded generator can drive a whole run reproducibly.
     */
    public static int[] shuffledIndices(int n, Random rnd) {
        return shuffledIndices(n, rnd::nextInt);
    }

    /**
     * The same permutation drawn from any seeded generator: {@code nextInt.applyAsInt(k)} must be uniform in
     * {@code 0..k-1} (the trainer's batch order takes a {@link java.util.SplittableRandom}).
     */
    public static int[] shuffledIndices(int n, java.util.function.IntUnaryOperator nextInt) {
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt.applyAsInt(i + 1);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
        return idx;
    }
}
