// The python3 that runs the benchmarks' Python peers (bench/python/*.py): the first candidate
// (OCR_PERFKIT_PYTHON, else `python3`, else /usr/bin/python3) that imports numpy, cv2, shapely and
// pyclipper. Returns { python } or { python: null, why }.
const { spawnSync } = require('node:child_process');

function findPython() {
  const candidates = [process.env.OCR_PERFKIT_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const py of [...new Set(candidates)]) {
    const r = spawnSync(py, ['-c', 'import numpy, cv2, shapely, pyclipper'], { timeout: 20000, stdio: 'ignore' });
    if (r.status === 0) return { python: py };
  }
  return { python: null, why: `none of ${candidates.join(', ')} imports numpy, cv2, shapely and pyclipper` };
}

module.exports = { findPython };
