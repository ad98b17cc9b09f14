import { type Callback, CallbackRunner, callbackName } from '../../src/callbacks/protocol';
import { fakeRun as run } from './helpers';

describe('CallbackRunner', () => {
  test('calls hooks in list order and returns undefined for sync hooks', () => {
    const seen: string[] = [];
    const a: Callback = { name: 'a', onTrainStart: () => void seen.push('a') };
    const b: Callback = { name: 'b', onTrainStart: () => void seen.push('b') };
    const r = new CallbackRunner([a, b]);
    expect(r.call('onTrainStart', run())).toBeUndefined();
    expect(seen).toEqual(['a', 'b']);
    expect(r.has('onTrainEnd')).toBe(false);
  });

  test('a throwing callback is reported once and disabled; the others keep running', () => {
    const reports: Array<[string, unknown]> = [];
    let goodCalls = 0;
    let badCalls = 0;
    const bad: Callback = {
      name: 'bad',
      onTrainBatchEnd() {
        badCalls++;
        throw new Error('boom');
      },
      onTrainEnd() {
        badCalls++;
      },
    };
    const good: Callback = { onTrainBatchEnd: () => void goodCalls++ };
    const r = new CallbackRunner([bad, good], { report: (s, e) => reports.push([s, e]) });
    for (let i = 0; i < 5; i++) r.call('onTrainBatchEnd', run(), {});
    r.call('onTrainEnd', run());
    expect(badCalls).toBe(1);
    expect(goodCalls).toBe(5);
    expect(reports).toHaveLength(1);
    expect(reports[0]![0]).toBe('callback bad.onTrainBatchEnd');
    expect((reports[0]![1] as Error).message).toBe('boom');
    expect(r.active).toEqual([good]);
  });

  test('async hooks are awaited and a rejection disables the callback', async () => {
    const reports: string[] = [];
    let done = false;
    const slow: Callback = {
      async onTrainEpochEnd() {
        await new Promise((res) => setTimeout(res, 5));
        done = true;
      },
    };
    const rejecting: Callback = {
      name: 'rej',
      onTrainEpochEnd: () => Promise.reject(new Error('nope')),
    };
    const r = new CallbackRunner([slow, rejecting], { report: (s) => reports.push(s) });
    const p = r.call('onTrainEpochEnd', run(), {});
    expect(p).toBeInstanceOf(Promise);
    await p;
    expect(done).toBe(true);
    expect(reports).toEqual(['callback rej.onTrainEpochEnd']);
    expect(r.active).toEqual([slow]);
  });

  test('enabled:false callbacks are never called', () => {
    let calls = 0;
    const off: Callback = { enabled: false, onTrainStart: () => void calls++ };
    const r = new CallbackRunner([off]);
    r.call('onTrainStart', run());
    expect(calls).toBe(0);
    expect(r.has('onTrainStart')).toBe(false);
  });

  test('callbackName prefers name, then constructor name', () => {
    class MyCb implements Callback {}
    expect(callbackName({ name: 'x' })).toBe('x');
    expect(callbackName(new MyCb())).toBe('MyCb');
    expect(callbackName({})).toBe('callback');
  });

  test('a throwing reporter does not break the loop', () => {
    const r = new CallbackRunner(
      [
        {
          onTrainStart() {
            throw new Error('x');
          },
        },
      ],
      {
        report() {
          throw new Error('reporter');
        },
      },
    );
    expect(() => r.call('onTrainStart', run())).not.toThrow();
  });
});
