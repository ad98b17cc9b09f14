/** Statistics helpers used by the callbacks. */
export { percentileSorted, SampleBuffer, type Summary, summarize } from './summary';
