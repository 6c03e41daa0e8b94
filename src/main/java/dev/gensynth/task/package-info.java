/**
 * What a network is trained to do, and how its quality is measured: the task. Classification scores
 * an image by its top-1 class; semantic segmentation scores every pixel ({@link dev.gensynth.task.PixelCounts}:
 * pixel accuracy and mIoU as mmsegmentation defines them).
 */
package dev.gensynth.task;
