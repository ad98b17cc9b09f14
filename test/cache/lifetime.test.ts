import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { addonPath } from './helpers';

describe('handle lifetime', () => {
  test('collected handles and bound functions release cleanly; the named cache lives on', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'fixtures', 'gc_churn.js')], {
      env: { ...process.env, OCR_PERFKIT_ADDON: addonPath() },
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(`${r.stdout}${r.stderr}`).toContain('gc-churn: OK');
    expect(r.status).toBe(0);
  });
});
