package dev.gensynth.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Running statistics {mean, variance} of every batch-norm layer for shards 1.. of a sharded training step (shard 0
 * keeps the layer's own), so that shards run at the same time without writing the same memory. The running mean and
 * variance are moving averages, so the mean of the shards' averages is the average of their per-step means: what
 * one pass over the whole batch would have kept for the mean, and for the variance the mean of the shards' variances.
 */
final class ShardStats implements AutoCloseable {
    private final Map<String, Block> blocks;
    private final List<Map<String, NDArray[]>> copies = new ArrayList<>();

    /** Copies of the running statistics of {@code blocks}' batch norms for shards 1 to {@code shards} - 1. */
    ShardStats(Map<String, Block> blocks, int shards) {
        this.blocks = blocks;
        for (int s = 1; s < shards; s++) {
            Map<String, NDArray[]> stats = new HashMap<>();
            for (Map.Entry<String, Block> e : blocks.entrySet()) {
                if (e.getValue() instanceof BatchNorm) {
                    NDArray[] own = runningStats(e.getValue());
                    stats.put(e.getKey(), new NDArray[] {own[0].duplicate(), own[1].duplicate()});
                }
            }
            copies.add(stats);
        }
    }

    /** DJL's batch norm {@code bn} (layer {@code l}) on shard {@code shard} (1..): its scale and shift, the shard's statistics. */
    NDArray batchNorm(ParameterStore ps, dev.gensynth.spec.BatchNorm l, Block bn, NDArray x, boolean training,
            int shard) {
        NDArray[] stats = copies.get(shard - 1).get(l.name());
        NDArray gamma = null;
        NDArray beta = null;
        for (Parameter p : SpecBlock.paramsOf(bn)) {
            if (p.getName().equals("gamma")) {
                gamma = ps.getValue(p, x.getDevice(), training);
            } else if (p.getName().equals("beta")) {
                beta = ps.getValue(p, x.getDevice(), training);
            }
        }
        return BatchNorm.batchNorm(x, stats[0], stats[1], gamma, beta, 1, (float) (1 - l.momentum()),
                (float) l.epsilon(), training).singletonOrThrow();
    }

    /** Sets every batch-norm layer's running statistics, and each shard's copy, to the mean over the shards. */
    void merge() {
        if (copies.isEmpty()) {
            return;
        }
        float n = copies.size() + 1;
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            if (!(e.getValue() instanceof BatchNorm)) {
                continue;
            }
            NDArray[] own = runningStats(e.getValue());
            for (int k = 0; k < 2; k++) {
                for (Map<String, NDArray[]> stats : copies) {
                    own[k].addi(stats.get(e.getKey())[k]);
                }
                own[k].divi(n);
                for (Map<String, NDArray[]> stats : copies) {
                    own[k].copyTo(stats.get(e.getKey())[k]);
                }
            }
        }
    }

    /** Merges the statistics ({@link #merge}) and frees the copies. */
    @Override
    public void close() {
        merge();
        for (Map<String, NDArray[]> stats : copies) {
            for (NDArray[] st : stats.values()) {
                st[0].close();
                st[1].close();
            }
        }
        copies.clear();
    }

    private static NDArray[] runningStats(Block bn) {
        NDArray[] st = new NDArray[2];
        for (Parameter p : SpecBlock.paramsOf(bn)) {
            if (p.getName().equals("runningMean")) {
                st[0] = p.getArray();
            } else if (p.getName().equals("runningVar")) {
                st[1] = p.getArray();
            }
        }
        return st;
    }
}
