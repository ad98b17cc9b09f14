/**
 * Synthetic receipt pages for the demo training job: grey paper, lines of "words" drawn as
 * glyph-like strokes, a slight page rotation, and one quadrilateral per word (some marked
 * ignore, like `###` boxes in ICDAR labels). Deterministic for a given seed; no image files.
 */
import { Random } from './random';

/** One annotated word box: four (x, y) corners, clockwise, in pixels. */
export interface WordBox {
  points: [number, number][];
  /** True for boxes a labeller marked illegible (`###`): excluded from training and scoring. */
  ignore: boolean;
}

/** A rendered page. */
export interface SyntheticPage {
  width: number;
  height: number;
  /** Grey levels in [0, 1] (1 = white paper), row-major `height × width`. */
  image: Float32Array;
  words: WordBox[];
}

/** Options of {@link makeSyntheticReceipt}. */
export interface SyntheticReceiptOptions {
  /** Page width in pixels. */
  width: number;
  /** Page height in pixels. */
  height: number;
  /** Seed of the page (same seed, same page). */
  seed: number;
  /** Largest page rotation in degrees (uniform in ±maxRotationDeg). Default 4. */
  maxRotationDeg?: number;
  /** Probability that a word is marked ignore. Default 0.05. */
  ignoreProbability?: number;
}

function rotate(x: number, y: number, cx: number, cy: number, cos: number, sin: number): [number, number] {
  const dx = x - cx;
  const dy = y - cy;
  return [cx + dx * cos - dy * sin, cy + dx * sin + dy * cos];
}

/** Draws one page. */
export function makeSyntheticReceipt(options: SyntheticReceiptOptions): SyntheticPage {
  const { width, height, seed } = options;
  const rng = new Random(seed * 2654435761 + 17);
  const maxRot = options.maxRotationDeg ?? 4;
  const ignoreP = options.ignoreProbability ?? 0.05;
  const paper = rng.uniform(0.82, 0.97);
  const image = new Float32Array(width * height);
  for (let i = 0; i < image.length; i++) image[i] = paper + (rng.next() - 0.5) * 0.06;

  const angle = (rng.uniform(-maxRot, maxRot) * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = width / 2;
  const cy = height / 2;
  const ink = rng.uniform(0.05, 0.3);

  // Layout in the unrotated frame; drawing maps each unrotated pixel into the rotated page.
  const words: WordBox[] = [];
  const margin = Math.max(4, Math.round(width * 0.06));
  let y = margin + rng.int(0, 4);
  while (true) {
    const lineHeight = rng.int(Math.max(10, Math.round(height / 11)), Math.max(12, Math.round(height / 8)));
    const glyphHeight = Math.max(9, Math.round(lineHeight * rng.uniform(0.7, 0.85)));
    if (y + glyphHeight > height - margin) break;
    let x = margin + rng.int(0, 6);
    const wordsInLine = rng.int(1, 4);
    for (let w = 0; w < wordsInLine; w++) {
      const glyphWidth = Math.max(3, Math.round(glyphHeight * rng.uniform(0.45, 0.65)));
      const glyphs = rng.int(2, 9);
      const wordWidth = glyphs * (glyphWidth + 1);
      if (x + wordWidth > width - margin) break;
      drawWord(image, width, height, rng, { x, y, glyphs, glyphWidth, glyphHeight, ink, cx, cy, cos, sin });
      const corners: [number, number][] = [
        [x - 1, y - 1],
        [x + wordWidth, y - 1],
        [x + wordWidth, y + glyphHeight],
        [x - 1, y + glyphHeight],
      ];
      words.push({
        points: corners.map(([px, py]) => rotate(px, py, cx, cy, cos, sin)),
        ignore: rng.chance(ignoreP),
      });
      x += wordWidth + rng.int(glyphWidth * 2, glyphWidth * 4);
    }
    y += lineHeight + rng.int(3, Math.max(4, Math.round(lineHeight / 2)));
  }
  return { width, height, image, words };
}

interface WordSpec {
  x: number;
  y: number;
  glyphs: number;
  glyphWidth: number;
  glyphHeight: number;
  ink: number;
  cx: number;
  cy: number;
  cos: number;
  sin: number;
}

function drawWord(image: Float32Array, width: number, height: number, rng: Random, s: WordSpec): void {
  for (let g = 0; g < s.glyphs; g++) {
    const gx = s.x + g * (s.glyphWidth + 1);
    // A glyph: a few vertical and horizontal strokes inside its cell.
    const strokes = rng.int(2, 4);
    for (let k = 0; k < strokes; k++) {
      const vertical = rng.chance(0.6);
      const sx0 = vertical ? gx + rng.int(0, s.glyphWidth - 1) : gx;
      const sx1 = vertical ? sx0 : gx + s.glyphWidth - 1;
      const sy0 = vertical ? s.y + rng.int(0, Math.floor(s.glyphHeight / 3)) : s.y + rng.int(0, s.glyphHeight - 1);
      const sy1 = vertical ? s.y + s.glyphHeight - 1 - rng.int(0, Math.floor(s.glyphHeight / 4)) : sy0;
      for (let uy = sy0; uy <= sy1; uy++) {
        for (let ux = sx0; ux <= sx1; ux++) {
          const [px, py] = rotate(ux + 0.5, uy + 0.5, s.cx, s.cy, s.cos, s.sin);
          const ix = Math.floor(px);
          const iy = Math.floor(py);
          if (ix < 0 || iy < 0 || ix >= width || iy >= height) continue;
          image[iy * width + ix] = s.ink;
        }
      }
    }
  }
}
