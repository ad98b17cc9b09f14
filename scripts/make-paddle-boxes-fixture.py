#!/usr/bin/env python3
"""Writes test/targets/fixtures/paddle-postprocess.json: probability maps and what PaddleOCR's
DBPostProcess makes of them: boxes_from_bitmap (quad output) with score_mode "fast" and "slow",
use_dilation off and on, and polygons_from_bitmap at epsilon 0.01 (DB) and 0.002 (PaddleOCR).
Also test/targets/fixtures/approx-poly.json (approx_fixture below). The post-processing steps
below are written here from PaddleOCR's documented behaviour, over OpenCV, numpy, shapely and
pyclipper as Debian packages them:

    apt-get install python3-numpy python3-opencv python3-shapely python3-pyclipper
    /usr/bin/python3 scripts/make-paddle-boxes-fixture.py

Maps hold probabilities k/256 (exact in float32), stored as one byte k per pixel, base64. Every
candidate is kept (box_thresh 0) so that the test sees every score.
"""
import base64
import json
import math
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench", "python"))
from db_postprocess import boxes_from_bitmap, polygons_from_bitmap  # noqa: E402

W, H = 80, 56
THRESH, BOX_THRESH, UNCLIP, MIN_SIZE = 0.3, 0.0, 1.5, 3


def postprocess(pred, score_mode, dilation):
    return boxes_from_bitmap(pred, THRESH, BOX_THRESH, UNCLIP, MIN_SIZE, score_mode=score_mode, dilation=dilation)


def polygons(pred, eps_frac):
    return polygons_from_bitmap(pred, eps_frac, THRESH, BOX_THRESH, UNCLIP, MIN_SIZE)


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


def approx_fixture():
    """Binary maps of random blobs (noise, some dilated, with holes) and, for each contour in
    RETR_LIST order (hole borders included, as DB sees them), the polygon cv2.approxPolyDP makes
    of OpenCV's CHAIN_APPROX_SIMPLE contour at epsilon 0.01 and 0.002 of cv2.arcLength, when it has
    at least 4 points and its minimum-area rectangle a short side of at least 2 (boxesFromBitmap's
    filter after the unclip, here with unclipRatio 0); and DB's quad boxes of the same maps."""
    rng = np.random.default_rng(7)
    cases = []
    for t in range(60):
        h, w = int(rng.integers(8, 64)), int(rng.integers(8, 64))
        img = (rng.random((h, w)) < rng.uniform(0.15, 0.6)).astype(np.uint8)
        if t % 3:
            img = cv2.dilate(img, np.ones((2, 2), dtype=np.uint8), iterations=int(rng.integers(1, 3)))
        contours, _ = cv2.findContours(img * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        expected = {"quad": postprocess(img.astype(np.float32), "fast", False)}
        for frac in (0.01, 0.002):
            polys = []
            for c in contours:
                pts = cv2.approxPolyDP(c, frac * cv2.arcLength(c, True), True).reshape(-1, 2)
                if len(pts) < 4 or min(cv2.minAreaRect(pts)[1]) < 2:
                    continue
                polys.append(pts.astype(int).tolist())
            expected[str(frac)] = polys
        bits = base64.b64encode(np.packbits(img.flatten()).tobytes()).decode()
        cases.append({"width": w, "height": h, "bits": bits, "expected": expected})
    path = os.path.join(os.path.dirname(__file__), "..", "test", "targets", "fixtures", "approx-poly.json")
    with open(path, "w") as f:
        json.dump({"source": "scripts/make-paddle-boxes-fixture.py (OpenCV %s)" % cv2.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.normpath(path), sum(len(v) for c in cases for v in c["expected"].values()), "polygons")


def main():
    approx_fixture()
    rng = np.random.default_rng(20261124)
    maps = []
    while len(maps) < 12:
        k = draw(rng)
        pred = k.astype(np.float32) / np.float32(256)
        expected = {
            f"{mode}{'+dilation' if dil else ''}": postprocess(pred, mode, dil)
            for mode in ("fast", "slow")
            for dil in (False, True)
        }
        expected["polygon"] = polygons(pred, 0.01)
        expected["polygon+eps0.002"] = polygons(pred, 0.002)
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
