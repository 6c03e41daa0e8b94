/**
 * Object-detection metrics: average precision of scored boxes against annotated ones, computed as the
 * reference implementations compute it, so that a figure here can be compared with a published one.
 *
 * <ul>
 *   <li>{@link dev.gensynth.task.detection.VocAp}: PASCAL VOC AP and mAP, all-point (VOC 2010 on) and
 *       11-point (VOC 2007), with difficult objects ignored. References: the VOC devkit's
 *       {@code VOCevaldet.m} / {@code VOCap.m} (Everingham et al.), py-faster-rcnn's
 *       {@code lib/datasets/voc_eval.py} (github.com/rbgirshick/py-faster-rcnn) and rafaelpadilla's
 *       Object-Detection-Metrics {@code lib/Evaluator.py} (github.com/rafaelpadilla/Object-Detection-Metrics),
 *       whose worked example the tests reproduce.</li>
 *   <li>{@link dev.gensynth.task.detection.CocoAp}: COCO AP@[.5:.95], AP50 and AP75 as pycocotools'
 *       {@code COCOeval} computes them for boxes (github.com/cocodataset/cocoapi,
 *       {@code PythonAPI/pycocotools/cocoeval.py} and {@code common/maskApi.c}), crowds included; the tests
 *       reproduce torchmetrics' {@code MeanAveragePrecision} documentation example.</li>
 *   <li>{@link dev.gensynth.task.detection.CenterNetTargets} and {@link dev.gensynth.task.detection.CenterNetDecoder}:
 *       the anchor-free head's training targets (a Gaussian per object on its class's centre heatmap, box size
 *       and centre offset at stride 4) and the one decoding of its maps into scored boxes (3×3 max-pool peaks,
 *       top-k, no NMS), as xingyizhou/CenterNet's {@code ctdet.py}, {@code image.py} and {@code decode.py}
 *       do.</li>
 * </ul>
 * Boxes are {@link dev.gensynth.task.detection.Box}es by their corners; whether a corner is a pixel included
 * in the box (VOC: width = x2 − x1 + 1) or a point of the plane (COCO: width = x2 − x1) is an
 * {@link dev.gensynth.task.detection.IouConvention}, chosen per evaluation, since the references differ on it.
 */
package dev.gensynth.task.detection;
