// Cost of crossing into the addon: the floor under every other native benchmark.
const { getNative } = require('../dist/native');

module.exports = async function coreBench(h) {
  const native = getNative();
  h.group('N-API call overhead', {
    unit: 'call',
    note: 'A trivial native call (targetsPoolSize: no argument, returns a number) and one that builds an object of 6 properties (buildInfo), vs a trivial JS call.',
  });
  const noop = () => 0;
  await h.case('JS function call', () => noop(), { baseline: true, peer: 'js' });
  await h.case('native targetsPoolSize() (trivial)', () => native.targetsPoolSize());
  await h.case('native buildInfo() (builds an object)', () => native.buildInfo());
};
