#!/usr/bin/env python3
"""Writes test/targets/fixtures/paddle-postprocess.json: probability maps and what PaddleOCR's
DBPostProcess (boxes_from_bitmap, quad output) makes of them with score_mode "fast" and "slow",
use_dilation off and on. The post-processing steps below are written here from PaddleOCR's
documented behaviour, over OpenCV, numpy, shapely and pyclipper as Debian packages them:

    apt-get install python3-numpy python3-opencv python3-shapely python3-pyclipper
    /usr/bin/python3 scripts/make-paddle-boxes-fixture.py

Maps hold probabilities k/256 (exact in float32), stored as one byte k per pixel, base64. Every
candidate is kept (box_thresh 0) so that the test sees every score; maps are drawn without holes,
whose contours RETR_LIST would also return (boxesFromBitmap leaves holes out, docs/targets.md).
"""
import base64
import json
import math
import os

import cv2
import numpy as np
import pyclipper
from shapely.geometry import Polygon

W, H = 80, 56
THRESH, BOX_THRESH, UNCLIP, MIN_SIZE, MAX_CANDIDATES = 0.3, 0.0, 1.5, 3, 1000


def mini_box(contour):
    rect = cv2.minAreaRect(contour)
    pts = sorted(list(cv2.boxPoints(rect)), key=lambda p: p[0])
    i1, i4 = (0, 1) if pts[1][1] > pts[0][1] else (1, 0)
    i2, i3 = (2, 3) if pts[3][1] > pts[2][1] else (3, 2)
    return np.array([pts[i1], pts[i2], pts[i3], pts[i4]]), min(rect[1])


def mean_inside(pred, poly):
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


def unclip(box):
    poly = Polygon(box)
    distance = poly.area * UNCLIP / poly.length
    off = pyclipper.PyclipperOffset()
    off.AddPath([tuple(p) for p in box], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return off.Execute(distance)


def postprocess(pred, score_mode, dilation):
    bitmap = (pred > THRESH).astype(np.uint8)
    if dilation:
        bitmap = cv2.dilate(bitmap, np.array([[1, 1], [1, 1]], dtype=np.uint8))
    contours, _ = cv2.findContours(bitmap * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for contour in contours[:MAX_CANDIDATES]:
        points, sside = mini_box(contour)
        if sside < MIN_SIZE:
            continue
        score = mean_inside(pred, points) if score_mode == "fast" else mean_inside(pred, contour.reshape(-1, 2))
        if BOX_THRESH > score:
            continue
        grown = unclip(points)
        if len(grown) != 1:
            continue
        box, sside = mini_box(np.array(grown[0]).reshape(-1, 1, 2))
        if sside < MIN_SIZE + 2:
            continue
        box = np.array(box)
        box[:, 0] = np.clip(np.round(box[:, 0] / W * W), 0, W)
        box[:, 1] = np.clip(np.round(box[:, 1] / H * H), 0, H)
        boxes.append({"points": box.astype(int).tolist(), "score": float(score)})
    return boxes


def draw(rng):
    """Rotated bars, curved bands and blobs, some one pixel apart; noise below the threshold."""
    k = rng.integers(0, 64, size=(H, W)).astype(np.uint8)  # background: < 0.25
    for _ in range(int(rng.integers(3, 7))):
        shape = np.zeros((H, W), dtype=np.uint8)
        kind = rng.integers(0, 3)
        if kind == 0:
            cx, cy = rng.uniform(8, W - 8), rng.uniform(6, H - 6)
            ww, hh, ang = rng.uniform(6, 40), rng.uniform(3, 10), rng.uniform(-40, 40)
            box = cv2.boxPoints(((cx, cy), (ww, hh), ang))
            cv2.fillPoly(shape, [np.round(box).astype(np.int32)], 1)
        elif kind == 1:
            cx, cy, r = rng.uniform(10, W - 10), rng.uniform(10, H + 20), rng.uniform(12, 30)
            a0 = rng.uniform(200, 260)
            arc = [(cx + r * math.cos(math.radians(a)), cy + r * math.sin(math.radians(a))) for a in np.linspace(a0, a0 + 70, 8)]
            inner = [(cx + (r - 5) * math.cos(math.radians(a)), cy + (r - 5) * math.sin(math.radians(a))) for a in np.linspace(a0 + 70, a0, 8)]
            cv2.fillPoly(shape, [np.round(np.array(arc + inner)).astype(np.int32)], 1)
        else:
            cx, cy = int(rng.uniform(6, W - 6)), int(rng.uniform(5, H - 5))
            cv2.ellipse(shape, (cx, cy), (int(rng.uniform(3, 12)), int(rng.uniform(2, 6))), float(rng.uniform(0, 180)), 0, 360, 1, -1)
        inside = rng.integers(96, 256, size=(H, W)).astype(np.uint8)  # text: >= 0.375
        k = np.where(shape > 0, np.maximum(k, inside), k)
    # Two bars one pixel apart: dilation joins them.
    x0, y0 = int(rng.uniform(4, W - 30)), int(rng.uniform(3, H - 12))
    k[y0 : y0 + 4, x0 : x0 + 10] = 200
    k[y0 : y0 + 4, x0 + 11 : x0 + 24] = 180
    return k


def has_holes(pred):
    bitmap = (pred > THRESH).astype(np.uint8)
    for b in (bitmap, cv2.dilate(bitmap, np.ones((2, 2), dtype=np.uint8))):
        _, hierarchy = cv2.findContours(b * 255, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
        if hierarchy is not None and (hierarchy[0][:, 3] >= 0).any():
            return True
    return False


def main():
    rng = np.random.default_rng(20261124)
    maps = []
    while len(maps) < 12:
        k = draw(rng)
        pred = k.astype(np.float32) / np.float32(256)
        if has_holes(pred):
            continue
        expected = {
            f"{mode}{'+dilation' if dil else ''}": postprocess(pred, mode, dil)
            for mode in ("fast", "slow")
            for dil in (False, True)
        }
        maps.append({"map": base64.b64encode(k.tobytes()).decode(), "expected": expected})
    out = {
        "source": "scripts/make-paddle-boxes-fixture.py (OpenCV %s, pyclipper, shapely)" % cv2.__version__,
        "width": W,
        "height": H,
        "options": {"thresh": THRESH, "boxThresh": BOX_THRESH, "unclipRatio": UNCLIP, "minSize": MIN_SIZE},
        "maps": maps,
    }
    path = os.path.join(os.path.dirname(__file__), "..", "test", "targets", "fixtures", "paddle-postprocess.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.normpath(path), sum(len(v) for m in maps for v in m["expected"].values()), "boxes")


if __name__ == "__main__":
    main()
