// Loads the compiled addon for the cache scripts: OCR_PERFKIT_ADDON when set, else the local
// build / prebuild that node-gyp-build finds in the package root.
const path = require('node:path');

const root = path.resolve(__dirname, '..');

module.exports = function loadAddon() {
  const override = process.env.OCR_PERFKIT_ADDON;
  if (override) return require(path.resolve(override));
  return require('node-gyp-build')(root);
};
