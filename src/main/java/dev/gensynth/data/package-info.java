/**
 * Image datasets held fully in memory as float32 NCHW arrays, and the readers that fill them:
 * IDX (MNIST, Fashion-MNIST), CIFAR-10 binary batches and plain image folders.
 *
 * <p>Every reader turns bad input into a {@link dev.gensynth.UserError} that names the file and
 * says how to fix it, because these files come from the user's disk and are the first thing a
 * new user gets wrong.
 */
package dev.gensynth.data;
