// Names of the request headers Hookwire sets on every delivery attempt. An endpoint's own
// `headers` may not set these (nor the transport headers below), so a receiver can trust them.

export const DELIVERY_HEADER_NAMES = [
  'content-type',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-webhook-signature',
  'x-webhook-event',
  'x-webhook-id',
  'x-webhook-timestamp',
  'x-webhook-delivery-attempt',
] as const;

/** Set by the HTTP client itself; overriding them would corrupt the request. */
export const TRANSPORT_HEADER_NAMES = [
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
] as const;

const reserved = new Set<string>([...DELIVERY_HEADER_NAMES, ...TRANSPORT_HEADER_NAMES]);

export function isReservedHeader(name: string): boolean {
  return reserved.has(name.toLowerCase());
}
