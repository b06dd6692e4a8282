import { describe, expect, it } from 'vitest';
import { formatBytes, ProgressReporter } from './progress-reporter.js';

function out(isTTY: boolean) {
  return {
    isTTY,
    text: '',
    write(t: string) {
      this.text += t;
      return true;
    },
  };
}

const MiB = 1024 * 1024;

describe('ProgressReporter', () => {
  it('redraws a bar with rate, ETA and the peer/source split on a terminal', () => {
    let now = 0;
    const o = out(true);
    const p = new ProgressReporter({ out: o, enabled: true, now: () => now });
    now = 1000;
    p.update({ bytes: 50 * MiB, total: 100 * MiB, fromPeers: 40 * MiB, fromSource: 10 * MiB, fromLocal: 0 });
    expect(o.text).toMatch(/^\r\[#{12} {12}\] 50% 50\.0 MiB\/100\.0 MiB 50\.0 MiB\/s ETA 1s peers 80% source 20%/);
  });

  it('prints plain lines, a first one and then one per 10 %, when not on a terminal', () => {
    let now = 0;
    const o = out(false);
    const p = new ProgressReporter({ out: o, enabled: true, now: () => now });
    for (let i = 1; i <= 20; i++) {
      now += 100;
      p.update({ bytes: i * 5 * MiB, total: 100 * MiB, fromPeers: 0, fromSource: i * 5 * MiB, fromLocal: 0 });
    }
    expect(o.text.split('\n').filter((l) => l !== '')).toHaveLength(11);
    expect(o.text).not.toContain('\r');
    p.done({ bytes: 100 * MiB, total: 100 * MiB, fromPeers: 0, fromSource: 100 * MiB, fromLocal: 0 }, '/tmp/x');
    expect(o.text).toContain('downloaded 100.0 MiB to /tmp/x in 2.00 s');
  });

  it('stays silent with --no-progress except for the summary', () => {
    const o = out(true);
    const p = new ProgressReporter({ out: o, enabled: false });
    p.update({ bytes: 1, total: 2, fromPeers: 0, fromSource: 1, fromLocal: 0 });
    expect(o.text).toBe('');
  });

  it.each([
    [0, '0 B'],
    [1536, '1.5 KiB'],
    [5 * MiB, '5.0 MiB'],
    [3 * 1024 * MiB, '3.0 GiB'],
  ])('formatBytes(%i) = %s', (n, s) => {
    expect(formatBytes(n)).toBe(s);
  });
});
