// The seeds' receivers, run as printed, accept Hookwire's real deliveries under each recipe's
// endpoint settings (own secret, signature header, transformation, verifyToken) and refuse a
// delivery signed with another secret: the service delivers, over HTTP on 127.0.0.1, to each
// receiver's own process. (Seed 003's ASP.NET controller cannot run here; its reads are checked
// against the request the delivery modules build.)

import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeliveryHeaders, generateSigningSecret, signatureHeaderNames } from '../src/delivery/sign.ts';
import { sampleInput, Transformer } from '../src/delivery/transform.ts';
import { findEventType } from '../src/domain/catalog.ts';
import { envelope } from '../src/domain/events.ts';
import { validateOwnSecret, validateSignatureHeader } from '../src/domain/signature-input.ts';
import { startReceiver, whyNotRunnable, type RunningReceiver } from './seeds/harness.ts';
import { RECIPES, type SeedRecipe, type SeedReceiver } from './seeds/recipes.ts';
import { createEndpoint, getDelivery, waitForDelivery } from './support/api.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { SendTestEventDocument as SendTest } from '../packages/client/src/generated/graphql.ts';

const SEEDS = new URL('../../shared/seeds/', import.meta.url);
const RECEIVERS = new URL('./seeds/receivers/', import.meta.url);

let transformer: Transformer;
let app: TestApp;
let apiKey: string;
beforeAll(async () => {
  transformer = await Transformer.create();
  app = await startTestApp({ role: 'all' });
  ({ apiKey } = await app.newAccount('seed receivers'));
}, 60_000);
afterAll(async () => {
  await transformer.close();
  await app?.stop();
});

/** An endpoint configured by the recipe, delivering to `url` and signing with `secret`. */
async function recipeEndpoint(recipe: SeedRecipe, url: string, secret: string, handshake: boolean) {
  const { signatureHeader, transformation, eventTypes, verifyToken } = recipe.endpoint;
  return createEndpoint(app, apiKey, {
    url,
    description: `${recipe.platform} receiver`,
    eventTypes,
    signingSecret: secret,
    signatureHeader: { name: signatureHeader.name, format: signatureHeader.format, timestampHeader: signatureHeader.timestampHeader },
    transformation,
    retrySchedule: [600],
    ...(handshake && verifyToken ? { verifyToken } : {}),
  });
}

/** sendTestEvent of `eventType`'s example; returns the delivery once its first attempt is recorded. */
async function deliverExample(endpointId: string, eventType: string) {
  const sent = await app.gql(SendTest, { endpointId, eventType }, apiKey);
  const result = sent.data?.sendTestEvent;
  if (result?.__typename !== 'DeliverySuccess') throw new Error(`sendTestEvent failed: ${JSON.stringify(sent)}`);
  return waitForDelivery(app, apiKey, result.delivery.id, (d) => d.attemptCount >= 1);
}

/** The body and headers of the first attempt of a delivery of `eventType`'s example to the recipe's endpoint. */
async function deliveryRequest(recipe: SeedRecipe, eventType: string, secret: string) {
  const eventId = `evt_${randomBytes(13).toString('hex')}`;
  const envelopeBody = envelope(eventId, eventType, new Date(), 'default', findEventType(eventType)!.example);
  const { signatureHeader, transformation } = recipe.endpoint;
  let body = envelopeBody;
  let added: Record<string, string> = {};
  if (transformation) {
    const result = await transformer.run(
      transformation,
      { eventType, eventId, payload: JSON.parse(envelopeBody), headers: {} },
      { reservedHeaders: signatureHeaderNames(signatureHeader) },
    );
    if (result.kind === 'error') throw new Error(`the recipe's transformation failed on ${eventType}: ${result.message} (line ${result.line})`);
    body = result.body;
    added = result.headers;
  }
  const headers = buildDeliveryHeaders({
    eventId,
    eventType,
    body,
    attemptNumber: 1,
    timestampSeconds: Math.floor(Date.now() / 1000),
    secrets: [secret],
    userAgent: 'Hookwire/test',
    customHeaders: added,
    signatureHeader,
  });
  return { body, headers };
}


/** The secret the endpoint is configured with and the receiver holds. */
function secretFor(recipe: SeedRecipe, receiver: SeedReceiver): string {
  if (receiver.secret.from === 'code') return receiver.secret.value;
  return recipe.endpoint.signingSecret ?? generateSigningSecret();
}

describe.each(RECIPES.map((r) => [`${r.seed} (${r.platform})`, r] as const))('%s', (_, recipe) => {
  it('has valid endpoint settings: own secret, signature header, and a transformation that passes the save-time check', async () => {
    if (recipe.endpoint.signingSecret !== null) expect(validateOwnSecret(recipe.endpoint.signingSecret)).toEqual([]);
    expect(validateSignatureHeader(recipe.endpoint.signatureHeader)).toEqual([]);
    for (const type of [...recipe.endpoint.eventTypes, ...recipe.samples]) expect(findEventType(type), type).toBeDefined();
    if (recipe.endpoint.transformation) {
      const samples = recipe.endpoint.eventTypes.map((type) => sampleInput(type, findEventType(type)!.example));
      expect(await transformer.check(recipe.endpoint.transformation, samples)).toEqual([]);
    }
  });

  it.skipIf(!existsSync(SEEDS))('keeps each receiver as the seed prints it', () => {
    const printed = readFileSync(new URL(recipe.seed, SEEDS), 'utf8');
    for (const receiver of recipe.receivers) {
      const files = 'files' in receiver.host ? receiver.host.files : [receiver.host.file];
      for (const file of files) {
        const code = readFileSync(new URL(file, RECEIVERS), 'utf8').trimEnd();
        if (receiver.changes.startsWith('indentation restored')) {
          // The page lost the indentation: every line is the printed one once it is put back.
          const unindented = code.split('\n').map((line) => line.trimStart()).join('\n');
          expect(printed, file).toContain(unindented);
        } else {
          expect(printed, file).toContain(code);
        }
      }
    }
  });

  for (const receiver of recipe.receivers) {
    const title = `${receiver.language} receiver (${receiver.host.kind})`;
    const reason = whyNotRunnable(receiver);
    if (reason) {
      console.log(`seed receivers: skipping ${recipe.seed} ${title}: ${reason}`);
      it.skip(`${title}: skipped: ${reason}`, () => {});
      continue;
    }

    describe(title, () => {
      const secret = secretFor(recipe, receiver);
      let running: RunningReceiver;
      beforeAll(async () => {
        running = await startReceiver(receiver, secret);
      }, 60_000);
      afterAll(() => running?.stop());

      it.each(recipe.samples)('accepts a real delivery of %s', async (eventType) => {
        const endpoint = await recipeEndpoint(recipe, running.url, secret, receiver.answersHandshake === true);
        const delivery = await deliverExample(endpoint.id, eventType);
        const attempt = delivery.attempts[0]!;
        expect(delivery.status, `${JSON.stringify(attempt)}\n--- receiver output ---\n${running.output()}`).toBe('SUCCEEDED');
        expect(attempt.responseStatus).toBeGreaterThanOrEqual(200);
        expect(attempt.responseStatus).toBeLessThan(300);
      });

      it('refuses a real delivery signed with another secret', async () => {
        const wrong = secret.startsWith('whsec_') ? generateSigningSecret() : `${secret}-not-this-one`;
        const endpoint = await recipeEndpoint(recipe, running.url, wrong, false);
        const delivery = await deliverExample(endpoint.id, recipe.samples[0]!);
        const attempt = (await getDelivery(app, apiKey, delivery.id)).attempts[0]!;
        expect(attempt.outcome, JSON.stringify(attempt)).toBe('HTTP_ERROR');
        expect(attempt.responseStatus).toBeGreaterThanOrEqual(400);
      });

      if (recipe.endpoint.verifyToken && receiver.answersHandshake) {
        it('answers the verifyToken handshake Hookwire makes when the URL is saved', async () => {
          const challenge = randomBytes(16).toString('hex');
          const handshake = (token: string) =>
            request(`${running.url}?hub.mode=subscribe&hub.challenge=${challenge}&hub.verify_token=${encodeURIComponent(token)}`);
          const ok = await handshake(recipe.endpoint.verifyToken!);
          expect(ok.statusCode).toBe(200);
          expect(await ok.body.text()).toBe(challenge);
          const refused = await handshake('another-token');
          expect(refused.statusCode).toBe(403);
          await refused.body.dump();
        });
      }
    });
  }
});

describe('003 (WaConnect): what the printed ASP.NET controller reads', () => {
  // The controller is not run here (see its recipe); these are the exact reads it makes.
  const recipe = RECIPES.find((r) => r.seed.startsWith('003'))!;
  const secret = recipe.endpoint.signingSecret!;

  it('gets the signature it computes, and the fields it parses', async () => {
    const { body, headers } = await deliveryRequest(recipe, 'message.received', secret);
    // ComputeHmacSha256(rawBody, CallbackSecret): UTF-8 key and body, lower-case hex; the header
    // value with "sha256=" removed must equal it, ignoring case.
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex');
    expect(headers['x-webhook-signature']!.replace('sha256=', '').toLowerCase()).toBe(expected);
    expect(headers['x-webhook-event']).toBe('message.received');
    const root = JSON.parse(body);
    expect(root.event).toBe('message.received');
    expect(typeof root.message.from).toBe('string');
    expect(root.message.messageType).toBe('text');
    expect(typeof root.message.content.text).toBe('string');
    expect(Object.keys(root)).toEqual(['event', 'timestamp', 'accountId', 'accountName', 'message', 'conversation', 'pricing']);
  });

  it('sees a wrong secret as a signature mismatch (Unauthorized)', async () => {
    const { body, headers } = await deliveryRequest(recipe, 'message.received', `${secret}-wrong`);
    const expected = createHmac('sha256', secret).update(body).digest('hex');
    expect(headers['x-webhook-signature']!.replace('sha256=', '')).not.toBe(expected);
  });
});
