// Endpoint.retiredSecrets: the secrets a rotation retired that still sign beside signingSecret
// until their grace period ends, so a dashboard can show both while receivers move over.
import { liveSecrets, type RetiredSecret } from '../domain/endpoints.ts';
import { builder } from './builder.ts';
import './endpoint.ts';

const RetiredSecretRef = builder.objectRef<RetiredSecret>('RetiredSecret').implement({
  description: 'A signing secret replaced by rotateEndpointSecret that still signs until expiresAt.',
  fields: (t) => ({
    secret: t.exposeString('secret'),
    expiresAt: t.field({ type: 'DateTime', resolve: (retired) => retired.expiresAt }),
  }),
});

builder.prismaObjectFields('Endpoint', (t) => ({
  retiredSecrets: t.field({
    type: [RetiredSecretRef],
    authScopes: { feature: 'secrets' },
    description: 'Secrets rotated out that still sign beside signingSecret (webhook-signature) until they expire; newest first.',
    select: { signingSecret: true, retiredSecrets: true },
    resolve: (endpoint, _args, ctx) => {
      // Which ones are still live is the signing side's rule (liveSecrets), not restated here.
      const { sealer } = ctx.services;
      const live = new Set(liveSecrets(endpoint, sealer).slice(1));
      return ((endpoint.retiredSecrets as unknown as RetiredSecret[] | null) ?? [])
        .map((r) => ({ ...r, secret: sealer.open(r.secret) }))
        .filter((r) => live.has(r.secret));
    },
  }),
}));
