#!/usr/bin/env python3
"""DBNet training targets the way the reference makers compute them, as a benchmark peer.

An independent implementation of MhLiao/DB's MakeSegDetectionData + MakeBorderMap (training
mode, default parameters), written from ../shared/reference/dbtargets/SEMANTICS.md ("§n"
below are that file's sections). It keeps the reference's algorithmic structure and libraries on
purpose -- vertex clamping, the trapezoid area test, shapely area and length for D, pyclipper
offsets, cv2.fillPoly, and the per-edge numpy distance over a local float64 grid -- because its
CPU time is what bench/targets.bench.js compares our makers against.

Needs numpy, OpenCV (cv2), shapely and pyclipper (Debian 12: python3-numpy python3-opencv
python3-shapely python3-pyclipper; the reference data was made with numpy 1.24, OpenCV 4.6,
shapely 1.8.5 and pyclipper 1.2.1).

Modes:
  --check [DIR]      run every case of DIR/manifest.json (default: the shared reference data)
                     and compare the four maps with DIR/<case>.<map>.f32 bit for bit (and with
                     the manifest's sha256), the final ignore tags and the polygons after
                     validation; prints one line per case and exits 1 if anything differs.
  --bench [FILE]     read pages from FILE (or stdin): a JSON list of images, each a list of
                     {"points": [[x, y], ...], "ignore": bool}; options --width, --height (640),
                     --reps (5), --warmup (1). Prints JSON with, per image, the median CPU time
                     (time.process_time) of the shrink part (validation + shrink map/mask) and of
                     the threshold part (threshold map/mask), in ms; total_ms is their sum.
"""

import argparse
import hashlib
import json
import os
import sys
import time

import cv2
import numpy as np
import pyclipper
from shapely.geometry import Polygon

SHRINK_RATIO = 0.4
MIN_TEXT_SIZE = 8
THRESH_MIN = 0.3
THRESH_MAX = 0.7

# The shared data sits beside the repository (../shared), as in CI.
DEFAULT_REF_DIR = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'reference', 'dbtargets'))
MAP_NAMES = ('shrink_map', 'shrink_mask', 'thresh_map', 'thresh_mask')


# --------------------------------------------------------------------------------------------
# §1 Validation
# --------------------------------------------------------------------------------------------

def trapezoid_area(poly):
    """sum_i (x[i+1]-x[i]) * (y[i+1]+y[i]) / 2 over the closed ring (minus the shoelace area).

    Summed one term at a time in vertex order, as a Python loop over the vertices would.
    """
    k = poly.shape[0]
    acc = 0.0
    for i in range(k):
        j = (i + 1) % k
        acc += (poly[j, 0] - poly[i, 0]) * (poly[j, 1] + poly[i, 1])
    return acc / 2.0


def validate(polys, ignore, width, height):
    """Clamp each vertex into the image, flag |a| < 1, reverse a > 0 (in place, §1)."""
    for i, poly in enumerate(polys):
        # Vertex by vertex, not polygon clipping: outside parts are squashed onto the border.
        poly[:, 0] = np.clip(poly[:, 0], 0, width - 1)
        poly[:, 1] = np.clip(poly[:, 1], 0, height - 1)
        a = trapezoid_area(poly)
        if abs(a) < 1:
            ignore[i] = 1
        if a > 0:
            # Reversal changes GEOS's summation order, hence the last bits of D (§2).
            polys[i] = poly[::-1, :]


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------

def offset_distance(poly):
    """D = A * (1 - r^2) / L with shapely/GEOS area and closed length (§2)."""
    shape = Polygon(poly)
    return shape.area * (1 - np.power(SHRINK_RATIO, 2)) / shape.length


def clipper_offset(poly, delta):
    """ClipperOffset(JT_ROUND, ET_CLOSEDPOLYGON), default MiterLimit 2 / ArcTolerance 0.25.

    The float vertices go in as they are: pyclipper truncates them toward zero to cInt (§2);
    the output is a list of paths of integer vertices (Clipper's rounding).
    """
    off = pyclipper.PyclipperOffset()
    off.AddPath([tuple(p) for p in poly], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return off.Execute(delta)


def fill(img, pts, value):
    """cv2.fillPoly, LINE_8, shift 0, of one int32 ring (§3)."""
    cv2.fillPoly(img, [np.asarray(pts).reshape(-1, 2).astype(np.int32)], value)


# --------------------------------------------------------------------------------------------
# §2 Shrink map (gt) and shrink mask
# --------------------------------------------------------------------------------------------

def make_shrink(polys, ignore, width, height):
    gt = np.zeros((height, width), dtype=np.float32)
    mask = np.ones((height, width), dtype=np.float32)
    for i, poly in enumerate(polys):
        extent_y = poly[:, 1].max() - poly[:, 1].min()
        extent_x = poly[:, 0].max() - poly[:, 0].min()
        # Strict test on the clamped axis-aligned extents; 8.0 is kept.
        if ignore[i] or min(extent_y, extent_x) < MIN_TEXT_SIZE:
            fill(mask, poly, 0)  # astype(int32) truncates, as in the reference
            ignore[i] = 1
            continue
        shrunk = clipper_offset(poly, -offset_distance(poly))
        if len(shrunk) == 0:
            fill(mask, poly, 0)
            ignore[i] = 1
            continue
        fill(gt, shrunk[0], 1)  # only the first piece is drawn
    return gt, mask


# --------------------------------------------------------------------------------------------
# §5 Per-edge distance, the reference formula and its quirks
# --------------------------------------------------------------------------------------------

def edge_distance(xs, ys, p1, p2):
    """Distance of every grid point to edge p1-p2 per §5, in float64, numpy's op order.

    Keeps the wrong branch test (c < 0 -> nearest endpoint) and the NaNs of sqrt(negative)
    and of a zero-length edge.
    """
    d1 = np.square(xs - p1[0]) + np.square(ys - p1[1])
    d2 = np.square(xs - p2[0]) + np.square(ys - p2[1])
    length2 = np.square(p1[0] - p2[0]) + np.square(p1[1] - p2[1])
    cos = (length2 - d1 - d2) / (2 * np.sqrt(d1 * d2))
    sin2 = np.nan_to_num(1 - np.square(cos))
    dist = np.sqrt(d1 * d2 * sin2 / length2)
    near_end = cos < 0
    dist[near_end] = np.sqrt(np.fmin(d1, d2))[near_end]
    return dist


# --------------------------------------------------------------------------------------------
# §4 Threshold ("border") map and threshold mask
# --------------------------------------------------------------------------------------------

def draw_border(poly, canvas, tmask):
    """One non-ignored polygon: fill the dilated polygon, max its distance ridge into canvas."""
    d = offset_distance(poly)
    dilated = np.array(clipper_offset(poly, d)[0])  # int64 vertices
    fill(tmask, dilated, 1)

    # §4.2 inclusive integer box of the dilated polygon (may extend outside the image).
    x0, x1 = dilated[:, 0].min(), dilated[:, 0].max()
    y0, y1 = dilated[:, 1].min(), dilated[:, 1].max()
    bw, bh = x1 - x0 + 1, y1 - y0 + 1

    # §4.3 local float64 grid 0..bw-1 x 0..bh-1; the float vertices shifted into it.
    local = poly.copy()
    local[:, 0] = local[:, 0] - x0
    local[:, 1] = local[:, 1] - y0
    xs = np.broadcast_to(np.linspace(0, bw - 1, num=bw).reshape(1, bw), (bh, bw))
    ys = np.broadcast_to(np.linspace(0, bh - 1, num=bh).reshape(bh, 1), (bh, bw))

    # §4.4 one float32 layer per edge: clip(dist / D, 0, 1); §4.5 min over edges (NaN wins).
    k = local.shape[0]
    layers = np.zeros((k, bh, bw), dtype=np.float32)
    for i in range(k):
        layers[i] = np.clip(edge_distance(xs, ys, local[i], local[(i + 1) % k]) / d, 0, 1)
    dmin = layers.min(axis=0)

    # §4.6 the box clipped to the image; fmax keeps the old value where dmin is NaN.
    cx0 = min(max(0, x0), canvas.shape[1] - 1)
    cx1 = min(max(0, x1), canvas.shape[1] - 1)
    cy0 = min(max(0, y0), canvas.shape[0] - 1)
    cy1 = min(max(0, y1), canvas.shape[0] - 1)
    window = canvas[cy0:cy1 + 1, cx0:cx1 + 1]
    ridge = 1 - dmin[cy0 - y0:cy1 - y0 + 1, cx0 - x0:cx1 - x0 + 1]
    canvas[cy0:cy1 + 1, cx0:cx1 + 1] = np.fmax(ridge, window)


def make_threshold(polys, ignore, width, height):
    canvas = np.zeros((height, width), dtype=np.float32)
    tmask = np.zeros((height, width), dtype=np.float32)
    for i, poly in enumerate(polys):
        if ignore[i]:
            continue  # ignored polygons neither write nor zero anything here
        draw_border(poly, canvas, tmask)
    # §4.7 float32 throughout: fl32(fl32(c * 0.4f) + 0.3f).
    thresh = canvas * (THRESH_MAX - THRESH_MIN) + THRESH_MIN
    return thresh, tmask


# --------------------------------------------------------------------------------------------
# Pipeline
# --------------------------------------------------------------------------------------------

def prepare(polygons):
    """JSON polygons ({points, ignore}) -> (list of float64 (k,2) arrays, uint8 ignore tags)."""
    polys = [np.array(p['points'], dtype=np.float64).reshape(-1, 2) for p in polygons]
    ignore = np.array([1 if p.get('ignore') else 0 for p in polygons], dtype=np.uint8)
    return polys, ignore


def shrink_part(polys, ignore, width, height):
    """MakeSegDetectionData: validation (mutates polys/ignore) + shrink map and mask."""
    validate(polys, ignore, width, height)
    return make_shrink(polys, ignore, width, height)


def make_targets(polygons, width, height):
    """All four maps, the final ignore tags and the polygons after validation."""
    polys, ignore = prepare(polygons)
    with np.errstate(all='ignore'):
        gt, mask = shrink_part(polys, ignore, width, height)
        thresh, tmask = make_threshold(polys, ignore, width, height)
    maps = {'shrink_map': gt, 'shrink_mask': mask, 'thresh_map': thresh, 'thresh_mask': tmask}
    return maps, ignore, polys


# --------------------------------------------------------------------------------------------
# --check
# --------------------------------------------------------------------------------------------

def check(ref_dir):
    with open(os.path.join(ref_dir, 'manifest.json')) as f:
        manifest = json.load(f)
    all_ok = True
    for case in manifest['images']:
        w, h = case['width'], case['height']
        maps, ignore, polys = make_targets(case['input_polygons'], w, h)
        parts = []
        ok = True
        for name in MAP_NAMES:
            ref = np.fromfile(os.path.join(ref_dir, case['files'][name]['file']), dtype='<f4').reshape(h, w)
            ours = maps[name]
            same = ours.view(np.uint32) == ref.view(np.uint32)
            n_diff = int(same.size - same.sum())
            if n_diff == 0:
                sha_ok = hashlib.sha256(ours.astype('<f4').tobytes()).hexdigest() == case['files'][name]['sha256']
                ok = ok and sha_ok
                parts.append(f'{name} identical' + ('' if sha_ok else ' but sha256 DIFFERS from the manifest'))
                continue
            ok = False
            diff = np.abs(ours.astype(np.float64) - ref.astype(np.float64))
            ys, xs = np.nonzero(~same)
            where = ', '.join(f'({x},{y})' for x, y in list(zip(xs, ys))[:5])
            parts.append(f'{name} {n_diff} px differ (max {np.nanmax(diff):.3g}; first at {where})')
        tags_ok = [int(t) for t in ignore] == case['ref_ignore_tags_final']
        polys_ok = [p.tolist() for p in polys] == case['ref_polygons_after_validation']
        ok = ok and tags_ok and polys_ok
        parts.append('ignore tags ' + ('match' if tags_ok else 'DIFFER'))
        parts.append('validated polygons ' + ('match' if polys_ok else 'DIFFER'))
        all_ok = all_ok and ok
        print(f"{'OK  ' if ok else 'FAIL'} {case['name']:24s} " + '; '.join(parts))
    print('all maps bit-identical' if all_ok else 'DIFFERENCES FOUND')
    return 0 if all_ok else 1


# --------------------------------------------------------------------------------------------
# --bench
# --------------------------------------------------------------------------------------------

def bench(pages, width, height, reps, warmup):
    """Median CPU ms per image of each part over `reps` runs, after `warmup` untimed runs."""
    results = []
    with np.errstate(all='ignore'):
        for polygons in pages:
            shrink_ms, thresh_ms = [], []
            for r in range(warmup + reps):
                polys, ignore = prepare(polygons)  # fresh copies: validation mutates them
                t0 = time.process_time()
                shrink_part(polys, ignore, width, height)
                t1 = time.process_time()
                make_threshold(polys, ignore, width, height)
                t2 = time.process_time()
                if r >= warmup:
                    shrink_ms.append((t1 - t0) * 1e3)
                    thresh_ms.append((t2 - t1) * 1e3)
            s, t = float(np.median(shrink_ms)), float(np.median(thresh_ms))
            results.append({'polygons': len(polygons), 'shrink_ms': s, 'thresh_ms': t, 'total_ms': s + t})
    return {
        'reps': reps,
        'warmup': warmup,
        'width': width,
        'height': height,
        'versions': {'numpy': np.__version__, 'opencv': cv2.__version__,
                     'python': sys.version.split()[0]},
        'images': results,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument('--check', nargs='?', const=DEFAULT_REF_DIR, metavar='DIR')
    mode.add_argument('--bench', nargs='?', const='-', metavar='FILE')
    ap.add_argument('--width', type=int, default=640)
    ap.add_argument('--height', type=int, default=640)
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=1)
    args = ap.parse_args()
    if args.check is not None:
        return check(args.check)
    if args.bench == '-':
        pages = json.load(sys.stdin)
    else:
        with open(args.bench) as f:
            pages = json.load(f)
    json.dump(bench(pages, args.width, args.height, args.reps, args.warmup), sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
