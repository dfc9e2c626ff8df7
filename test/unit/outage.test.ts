// The outage logger (src/db/outage.ts) on its own: the first connection error of an outage is one
// warning, the rest are counted, other lines pass through untouched (a broker's own connection
// faults included), and the outage ends, logged once with its counts, when the probe answers.
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.ts';
import { outageLogger } from '../../src/db/outage.ts';

function recording(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('outageLogger', () => {
  it('logs an outage once when it starts and once when it ends, with what it counted meanwhile', async () => {
    const inner = recording();
    let reachable = false;
    const log = outageLogger(inner, async () => {
      if (!reachable) throw refused();
    }, { everyMs: 10 });
    try {
      log.error('could not record 3 attempt(s)', refused());
      log.warn('engine: could not look for due lanes (Connection terminated unexpectedly)');
      log.error('unexpected error in a resolver', refused());
      log.error('unexpected error in a resolver', new Error('a bug'));
      log.warn('broker source connection lost', { error: 'ECONNREFUSED' });
      expect(log.down).toBe(true);
      expect(inner.lines).toEqual([
        expect.stringMatching(/^warn database unreachable: could not record 3 attempt\(s\); work waits/),
        'error unexpected error in a resolver',
        'warn broker source connection lost',
      ]);
      reachable = true;
      for (let i = 0; i < 200 && log.down; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(log.down).toBe(false);
      expect(inner.lines.at(-1)).toMatch(
        /^warn database reachable again after \d+\.\d s of outage; 2 connection error\(s\) meanwhile were counted, not logged \(1 × engine; 1 × unexpected error in a resolver\)$/,
      );
      // A new outage is a new warning.
      log.error('could not record 1 attempt(s)', refused());
      expect(inner.lines.filter((line) => line.includes('database unreachable'))).toHaveLength(2);
    } finally {
      log.close();
    }
  });
});
