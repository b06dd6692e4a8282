import { describe, expect, it } from 'vitest';
import { failureReason, progressOf, resultOf } from './job-result.js';

describe('job result', () => {
  it('ignores results that are not objects', () => {
    expect(resultOf(null)).toEqual({});
    expect(resultOf([1])).toEqual({});
    expect(progressOf({}).percent).toBeUndefined();
  });

  it('sums task progress over peers', () => {
    const r = resultOf({
      peers: [
        { hostname: 'seed-1', total_tasks: 4, finished_tasks: 3, failed_tasks: 0, downloaded_bytes: 1000 },
        { hostname: 'seed-2', total_tasks: 4, finished_tasks: 1, failed_tasks: 1, downloaded_bytes: 24 },
      ],
    });
    expect(progressOf(r)).toEqual({ total: 8, finished: 4, failed: 1, bytes: 1024, percent: 62 });
  });

  it('says why a job failed', () => {
    expect(failureReason({ reason: ' manifest 401 from registry ' })).toBe('manifest 401 from registry');
    expect(failureReason({ peers: [{ hostname: 'seed-1', error: 'connection refused' }] })).toBe('seed-1: connection refused');
    expect(failureReason({ peers: [{ ip: '10.0.0.1', error: 'timeout' }, { hostname: 'b', error: 'x' }] })).toBe('2 peers failed; first 10.0.0.1: timeout');
    expect(failureReason({ peers: [{ hostname: 'ok' }] })).toBeUndefined();
  });
});
