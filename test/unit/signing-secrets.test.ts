// The signing secrets of a slice (domain/endpoints.ts signingSecrets): opened once for all the
// slice's attempts, since opening a sealed secret is what costs, and filtered by time per attempt.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sealer } from '../../src/db/sealer.ts';
import { liveSecrets, signingSecrets } from '../../src/domain/endpoints.ts';

describe('signingSecrets', () => {
  const sealer = new Sealer([{ id: 'k1', key: randomBytes(32) }]);
  let opened = 0;
  const counting = Object.assign(Object.create(sealer) as Sealer, {
    open: (value: string) => {
      opened++;
      return sealer.open(value);
    },
  });
  const endpoint = {
    signingSecret: sealer.seal('whsec_current'),
    retiredSecrets: [
      { secret: sealer.seal('whsec_retiring'), expiresAt: '2026-04-11T11:00:00.000Z' },
      { secret: sealer.seal('whsec_expired'), expiresAt: '2026-04-11T09:00:00.000Z' },
    ],
  };

  it('opens each live secret once for many attempts, and drops a retired one when its grace ends', () => {
    const secretsAt = signingSecrets(endpoint, counting);
    for (let i = 0; i < 100; i++) expect(secretsAt(new Date('2026-04-11T10:30:00.000Z'))).toEqual(['whsec_current', 'whsec_retiring']);
    expect(secretsAt(new Date('2026-04-11T11:00:00.000Z'))).toEqual(['whsec_current']);
    // The expired one is never opened (it may be sealed with a key no longer held).
    expect(opened).toBe(2);
  });

  it('answers as liveSecrets does at every moment', () => {
    const secretsAt = signingSecrets(endpoint, sealer);
    for (const at of ['2026-04-11T08:00:00.000Z', '2026-04-11T10:59:59.999Z', '2026-04-11T11:00:00.000Z']) {
      expect(secretsAt(new Date(at))).toEqual(liveSecrets(endpoint, sealer, new Date(at)));
    }
  });
});
