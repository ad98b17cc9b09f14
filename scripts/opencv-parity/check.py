#!/usr/bin/env python3
"""Checks the parts of boxesFromBitmap that reproduce OpenCV against the OpenCV installed here
(Debian 12: apt-get install python3-opencv; the tests' fixtures come from its 4.6):

  1. contours: TraceContours against cv2.findContours(RETR_LIST, CHAIN_APPROX_NONE), whole lists
     (outer and hole borders, their points, starts, directions and order) on random maps;
  2. get_mini_boxes: CvGetMiniBox against cv2.minAreaRect + cv2.boxPoints + DB's corner order,
     float32 values compared bit for bit, on contours of random maps and random point clouds.

    bash scripts/opencv-parity/run.sh [maps] [seed]
"""
import os
import subprocess
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench", "python"))
from db_postprocess import mini_box  # noqa: E402

driver, n_maps, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)


def run(mode, text):
    return subprocess.run([driver, mode], input=text, capture_output=True, text=True, check=True).stdout.split("\n")


maps = []
for t in range(n_maps):
    h, w = int(rng.integers(3, 40)), int(rng.integers(3, 40))
    img = (rng.random((h, w)) < rng.uniform(0.2, 0.85)).astype(np.uint8)
    if t % 2:
        img = cv2.dilate(img, np.ones((2, 2), np.uint8))
    maps.append(img)

out = run("contours", "".join(f"{m.shape[1]} {m.shape[0]} " + " ".join(map(str, m.flatten())) + "\n" for m in maps))
same = 0
for m, line in zip(maps, out):
    ours = [[int(v) for v in c.split()] for c in line.split("|")[:-1]]
    cv = [c.reshape(-1).tolist() for c in cv2.findContours(m * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)[0]]
    same += ours == cv
print(f"contours: {same} of {len(maps)} maps give OpenCV's list exactly")

sets = [c.reshape(-1, 2) for m in maps for c in cv2.findContours(m * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0]]
sets += [rng.integers(-50, 200, size=(int(rng.integers(1, 12)), 2)) for _ in range(n_maps)]
out = run("minarearect", "".join(f"{len(s)} " + " ".join(str(int(v)) for v in s.flatten()) + "\n" for s in sets))


def flat_mini_box(points):
    box, short_side = mini_box(points)
    return [float(v) for p in box for v in p] + [float(short_side)]


same_boxes = sum([float.fromhex(v) for v in line.split()] == flat_mini_box(s.reshape(-1, 1, 2).astype(np.int32)) for s, line in zip(sets, out))
print(f"get_mini_boxes: {same_boxes} of {len(sets)} point sets give OpenCV's float32 corners and short side exactly")
sys.exit(0 if same == len(maps) and same_boxes == len(sets) else 1)
