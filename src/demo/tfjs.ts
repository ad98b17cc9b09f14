/**
 * Loads TensorFlow.js for the demo: the fastest backend package the user has installed
 * (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, then the pure-JS
 * `@tensorflow/tfjs`). Library code elsewhere takes the `tf` namespace as a parameter instead.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { OcrPerfkitError } from '../errors';

export type Tf = typeof tfjs;

/** The loaded namespace and which package it came from. */
export interface LoadedTf {
  tf: Tf;
  packageName: string;
}

const CANDIDATES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs'];

/**
 * Loads tfjs. `prefer` forces one package (e.g. `@tensorflow/tfjs` in tests).
 * @throws OcrPerfkitError `ERR_UNAVAILABLE` when none can be loaded.
 */
export function loadTfjs(prefer?: string): LoadedTf {
  const errors: string[] = [];
  for (const name of prefer ? [prefer] : CANDIDATES) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const tf = require(require.resolve(name, { paths: [process.cwd(), __dirname] })) as Tf;
      return { tf, packageName: name };
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new OcrPerfkitError(
    `TensorFlow.js is not installed (npm install @tensorflow/tfjs). Tried ${errors.join('; ')}`,
    'ERR_UNAVAILABLE',
  );
}
