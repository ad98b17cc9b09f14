#!/usr/bin/env python3
"""DB's post-processing in Python, as MhLiao/DB's SegDetectorRepresenter and PaddleOCR's
DBPostProcess do it (boxes_from_bitmap, polygons_from_bitmap), written here from their documented
behaviour over OpenCV, numpy, shapely and pyclipper (Debian: python3-opencv python3-shapely
python3-pyclipper python3-numpy). Used two ways:

- by scripts/make-paddle-boxes-fixture.py, which writes the test fixtures with these functions;
- by bench/postprocess.bench.js, as the peer boxesFromBitmap is measured against:

    db_postprocess.py --bench - --reps 5 --warmup 1 < {"width", "height", "maps": [base64 float32]}

  prints, per map, the median CPU time (time.process_time) of boxes_from_bitmap and of
  polygons_from_bitmap with DB's defaults, and how many boxes each found.
"""
import argparse
import base64
import json
import sys
import time

import cv2
import numpy as np
import pyclipper
from shapely.geometry import Polygon


def mini_box(contour):
    """get_mini_boxes: OpenCV's rectangle, corners TL, TR, BR, BL, and its short side."""
    rect = cv2.minAreaRect(contour)
    pts = sorted(list(cv2.boxPoints(rect)), key=lambda p: p[0])
    i1, i4 = (0, 1) if pts[1][1] > pts[0][1] else (1, 0)
    i2, i3 = (2, 3) if pts[3][1] > pts[2][1] else (3, 2)
    return np.array([pts[i1], pts[i2], pts[i3], pts[i4]]), min(rect[1])


def mean_inside(pred, poly):
    """box_score_fast: the mean of pred over the filled polygon, in its clipped bounding box."""
    h, w = pred.shape
    poly = np.array(poly, dtype=np.float64).reshape(-1, 2).copy()
    xmin = int(np.clip(np.floor(poly[:, 0].min()), 0, w - 1))
    xmax = int(np.clip(np.ceil(poly[:, 0].max()), 0, w - 1))
    ymin = int(np.clip(np.floor(poly[:, 1].min()), 0, h - 1))
    ymax = int(np.clip(np.ceil(poly[:, 1].max()), 0, h - 1))
    mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
    poly[:, 0] -= xmin
    poly[:, 1] -= ymin
    cv2.fillPoly(mask, poly.reshape(1, -1, 2).astype(np.int32), 1)
    return cv2.mean(pred[ymin : ymax + 1, xmin : xmax + 1], mask)[0]


def unclip(box, ratio):
    poly = Polygon(box)
    distance = poly.area * ratio / poly.length
    off = pyclipper.PyclipperOffset()
    off.AddPath([tuple(p) for p in box], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return off.Execute(distance)


def _contours(pred, thresh, dilation):
    bitmap = (pred > thresh).astype(np.uint8)
    if dilation:
        bitmap = cv2.dilate(bitmap, np.array([[1, 1], [1, 1]], dtype=np.uint8))
    return cv2.findContours(bitmap * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0]


def boxes_from_bitmap(pred, thresh=0.3, box_thresh=0.7, unclip_ratio=1.5, min_size=3, max_candidates=1000,
                      score_mode="fast", dilation=False):
    """Quad output, destination size = the map's; PaddleOCR's score_mode and use_dilation."""
    h, w = pred.shape
    boxes = []
    for contour in _contours(pred, thresh, dilation)[:max_candidates]:
        points, sside = mini_box(contour)
        if sside < min_size:
            continue
        score = mean_inside(pred, points) if score_mode == "fast" else mean_inside(pred, contour.reshape(-1, 2))
        if box_thresh > score:
            continue
        grown = unclip(points, unclip_ratio)
        if len(grown) != 1:
            continue
        box, sside = mini_box(np.array(grown[0]).reshape(-1, 1, 2))
        if sside < min_size + 2:
            continue
        box = np.array(box)
        box[:, 0] = np.clip(np.round(box[:, 0] / w * w), 0, w)
        box[:, 1] = np.clip(np.round(box[:, 1] / h * h), 0, h)
        boxes.append({"points": box.astype(int).tolist(), "score": float(score)})
    return boxes


def polygons_from_bitmap(pred, eps_frac=0.01, thresh=0.3, box_thresh=0.7, unclip_ratio=1.5, min_size=3,
                         max_candidates=1000):
    """Polygon output: the contour simplified by cv2.approxPolyDP with epsilon eps_frac * arcLength
    (DB 0.01, PaddleOCR 0.002), scored over the simplified polygon, unclipped, and kept when it
    stays one polygon whose rectangle is wide enough."""
    h, w = pred.shape
    out = []
    for contour in _contours(pred, thresh, False)[:max_candidates]:
        epsilon = eps_frac * cv2.arcLength(contour, True)
        points = cv2.approxPolyDP(contour, epsilon, True).reshape(-1, 2)
        if points.shape[0] < 4:
            continue
        score = mean_inside(pred, points)
        if box_thresh > score:
            continue
        grown = unclip(points, unclip_ratio)
        if len(grown) != 1:
            continue
        box = np.array(grown[0]).reshape(-1, 2)
        _, sside = mini_box(box.reshape(-1, 1, 2))
        if sside < min_size + 2:
            continue
        box[:, 0] = np.clip(np.round(box[:, 0] / w * w), 0, w)
        box[:, 1] = np.clip(np.round(box[:, 1] / h * h), 0, h)
        out.append({"points": box.astype(int).tolist(), "simplified": points.astype(int).tolist(), "score": float(score)})
    return out


def bench(args):
    req = json.load(sys.stdin if args.bench == "-" else open(args.bench))
    w, h = req["width"], req["height"]
    results = []
    for b64 in req["maps"]:
        pred = np.frombuffer(base64.b64decode(b64), dtype="<f4").reshape(h, w)
        row = {}
        for key, fn in (("quad", boxes_from_bitmap), ("polygon", polygons_from_bitmap)):
            times = []
            for rep in range(args.warmup + args.reps):
                t0 = time.process_time()
                found = fn(pred)
                if rep >= args.warmup:
                    times.append((time.process_time() - t0) * 1000)
            row[key + "_ms"] = float(np.median(times))
            row[key + "_count"] = len(found)
        results.append(row)
    versions = {"numpy": np.__version__, "opencv": cv2.__version__, "python": sys.version.split()[0]}
    json.dump({"maps": results, "versions": versions, "reps": args.reps, "warmup": args.warmup}, sys.stdout)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    bench(ap.parse_args())
