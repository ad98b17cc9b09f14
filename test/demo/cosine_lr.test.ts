import { cosineLearningRate, cosineRate } from '../../src/demo/cosine_lr';

describe('cosine learning-rate schedule', () => {
  it('starts at the peak, halves at mid-run and approaches 0 at the end', () => {
    expect(cosineRate(0.005, 0, 30)).toBe(0.005);
    expect(cosineRate(0.005, 15, 30)).toBeCloseTo(0.0025, 15);
    expect(cosineRate(0.005, 29, 30)).toBeCloseTo(0.005 * (1 + Math.cos((29 * Math.PI) / 30)) / 2, 15);
    expect(cosineRate(0.005, 29, 30)).toBeLessThan(0.00002);
    expect(cosineRate(1, 40, 30)).toBeCloseTo(0, 15); // past the end: stays at the floor
    expect(cosineRate(1, 0, 0)).toBe(1); // no epochs: no division by zero
  });

  it('sets the optimizer rate at each training epoch start', () => {
    const opt = { learningRate: 123 };
    const cb = cosineLearningRate(opt, 0.01, 4);
    const rates: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      cb.onTrainEpochStart?.({} as never, { stage: 'train', epoch });
      rates.push(opt.learningRate);
    }
    expect(rates[0]).toBe(0.01);
    expect(rates[2]).toBeCloseTo(0.005, 15);
    for (let i = 1; i < 4; i++) expect(rates[i]).toBeLessThan(rates[i - 1] as number);
  });
});
