// DB post-processing: boxesFromBitmap on 640x640 probability maps, quad and polygon output, and
// DB's Python post-processing (bench/python/db_postprocess.py: boxes_from_bitmap and
// polygons_from_bitmap over OpenCV, shapely and pyclipper) on the same maps, side by side.
//
// Maps: the reference data's 20- and 100-polygon pages rasterised by makeDbTargets (the shrunk
// text regions), turned into what a trained model outputs: 0.9 inside the regions, 0.05 outside,
// with a deterministic ±0.04 ripple. Both sides find the same boxes (their counts are recorded).
// The Python peer runs when a python3 imports numpy, cv2, shapely and pyclipper (Debian packages;
// OCR_PERFKIT_PYTHON picks one) and the run is not quick; its figure is CPU time per map
// (time.process_time, median of PYTHON_REPS runs), ours the p50 wall time of one synchronous call.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { makeDbTargets, boxesFromBitmap } = require('../dist/targets');
const { findPython } = require('./python_peer');

const SIZE = 640;
const PYTHON_REPS = 5;
const PYTHON_SCRIPT = path.join(__dirname, 'python/db_postprocess.py');

function probabilityMaps() {
  const local = path.join(__dirname, '../test/targets/fixtures/dbtargets-manifest.json');
  const manifest = JSON.parse(fs.readFileSync(local, 'utf8'));
  const byName = Object.fromEntries(manifest.images.map((c) => [c.name, c.input_polygons]));
  return ['N020_00', 'N100_00'].map((name) => {
    const polys = byName[name].map((p) => ({ points: p.points, ignore: false }));
    const { shrinkMap } = makeDbTargets(polys, { width: SIZE, height: SIZE });
    const prob = new Float32Array(SIZE * SIZE);
    for (let k = 0; k < prob.length; k++) {
      const ripple = 0.04 * Math.sin(k * 0.7) * Math.cos(k * 0.013);
      prob[k] = (shrinkMap[k] > 0.5 ? 0.9 : 0.05) + ripple;
    }
    return { label: `${polys.length} polygons`, prob };
  });
}

module.exports = async function postprocessBench(h) {
  const maps = probabilityMaps();
  const { python, why } = h.quick ? { python: null, why: 'quick run' } : findPython();
  let peer = null;
  if (python) {
    const input = JSON.stringify({
      width: SIZE,
      height: SIZE,
      maps: maps.map((m) => Buffer.from(m.prob.buffer, m.prob.byteOffset, m.prob.byteLength).toString('base64')),
    });
    const r = spawnSync(python, [PYTHON_SCRIPT, '--bench', '-', '--reps', String(PYTHON_REPS), '--warmup', '1'], {
      input,
      encoding: 'utf8',
      maxBuffer: 16 << 20,
      timeout: 300000,
    });
    if (r.status === 0) peer = JSON.parse(r.stdout);
    else h.metric('DB Python post-processing', 'failed', '', String(r.stderr).split('\n').slice(-2).join(' '));
  } else if (!h.quick) {
    h.metric('DB Python post-processing', 'skipped', '', why);
  }
  for (const [i, m] of maps.entries()) {
    for (const output of ['quad', 'polygon']) {
      h.group(`boxesFromBitmap, ${SIZE}x${SIZE} map of ${m.label}, ${output} output`, {
        unit: 'map',
        note: 'DB defaults (thresh 0.3, boxThresh 0.7, unclipRatio 1.5); one synchronous call per map.',
      });
      const opts = { width: SIZE, height: SIZE, output };
      const row = await h.case('ocr-perfkit boxesFromBitmap', () => boxesFromBitmap(m.prob, opts));
      const ours = boxesFromBitmap(m.prob, opts).length;
      h.metric(`${m.label}, ${output}: boxes found by ocr-perfkit`, ours, 'boxes');
      if (peer) {
        const p = peer.maps[i];
        const ms = p[`${output}_ms`];
        h.metric(`${m.label}, ${output}: DB Python post-processing`, ms.toFixed(2), 'ms/map', `CPU time, median of ${peer.reps} runs; OpenCV ${peer.versions.opencv}, numpy ${peer.versions.numpy}; ${p[`${output}_count`]} boxes`);
        h.metric(`${m.label}, ${output}: DB Python CPU time / ours`, (ms / (row.p50Ns / 1e6)).toFixed(1), 'x', 'measured side by side on the same map');
      }
    }
  }
};
