// previewTransformation: a transformation run on the example (or the given data) of one of the
// account's event types, in the sandbox, sending nothing; the sample is the one a save checks.
import type { Db } from '../db/client.ts';
import { sampleInput, type Transformer } from '../delivery/transform.ts';
import { ValidationError } from './errors.ts';
import { listEventTypes } from './event-types.ts';

export interface TransformationPreview {
  /** The exact body that would be POSTed. */
  body: string;
  /** Headers the transformation adds; null when it adds none. */
  headers: Record<string, string> | null;
}

export async function previewTransformation(
  deps: { db: Db; transformer: () => Promise<Transformer> },
  accountId: string,
  args: { transformation: string; eventType: string; data?: unknown },
): Promise<TransformationPreview> {
  const type = (await listEventTypes(deps.db, accountId)).find((e) => e.name === args.eventType);
  if (!type) throw ValidationError.field(['eventType'], `Unknown event type ${JSON.stringify(args.eventType)}; the eventTypes query lists them`);
  const transformer = await deps.transformer();
  const result = await transformer.run(args.transformation, sampleInput(type.name, args.data ?? type.example));
  if (result.kind === 'error') {
    throw ValidationError.field(['transformation'], result.line === null ? result.message : `line ${result.line}: ${result.message}`);
  }
  return { body: result.body, headers: Object.keys(result.headers).length > 0 ? result.headers : null };
}
