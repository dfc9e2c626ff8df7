// `hookwire sources list|create|show` as a child process against the real service: create prints
// the ingest URL to give Meta, show lists the source's recent requests (accepted, refused and why),
// --json gives scripts the same, and a source of another account is not found (exit code 3).
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './support/cli.ts';
import { startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
let apiKey: string;
let otherKey: string;

const hookwire = (args: string[], key = apiKey) => runCli(args, { env: { HOOKWIRE_URL: t.url, HOOKWIRE_API_KEY: key } });

function json<T = any>(result: CliResult): T {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

beforeAll(async () => {
  t = await startTestApp();
  apiKey = (await t.newAccount('cli sources')).apiKey;
  otherKey = (await t.newAccount('someone else')).apiKey;
}, 60_000);
afterAll(() => t.stop());

describe('hookwire sources', () => {
  it('creates a WhatsApp source, prints its ingest URL, lists it, and shows its recent requests', async () => {
    const created = await hookwire(['sources', 'create', 'Meta prod', '--kind', 'WHATSAPP_CLOUD', '--app-secret', 'cli-app-secret', '--verify-token', 'cli-token']);
    expect(created.code, created.stderr).toBe(0);
    const url = /Give the sender this URL:\n\s+(\S+)/.exec(created.stdout)![1]!;
    expect(url).toMatch(new RegExp(`^${new URL(t.url).origin}/ingest/src_[0-9a-z]{26}$`));
    const id = url.split('/').pop()!;
    expect(created.stdout).not.toContain('cli-app-secret');

    const listed = await hookwire(['sources', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+WHATSAPP_CLOUD\\s+ACTIVE\\s+Meta prod\\s+${url.replace(/[/.]/g, '\\$&')}`));

    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    expect((await fetch(url, { method: 'POST', body })).status).toBe(401);
    const signed = await fetch(url, { method: 'POST', body, headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', 'cli-app-secret').update(body).digest('hex')}` } });
    expect(signed.status).toBe(200);

    const shown = await hookwire(['sources', 'show', id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/ingest URL\s+http/);
    expect(shown.stdout).toMatch(/Recent requests \(newest first\):\nRECEIVED\s+STATUS\s+EVENTS\s+ERROR\n\S+\s+200\s+0\s+-\n\S+\s+401\s+0\s+x-hub-signature-256 is missing/);
    const asJson = json(await hookwire(['sources', 'show', id, '--json']));
    expect(asJson.recentRequests.map((r: { status: number }) => r.status)).toEqual([200, 401]);
  });

  it('creates a SIGNED_HTTP source with its header, and refuses bad input with the field named', async () => {
    const created = json(await hookwire(['sources', 'create', 'crm', '--kind', 'SIGNED_HTTP', '--signing-secret', 'crm-secret-0123456789', '--signature-header', 'x-crm-signature', '--signature-format', 'HEX', '--event-type', 'form.submitted', '--json']));
    expect(created).toMatchObject({ kind: 'SIGNED_HTTP', name: 'crm', eventType: 'form.submitted' });
    const refused = await hookwire(['sources', 'create', 'meta', '--kind', 'WHATSAPP_CLOUD']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/appSecret/);
  });

  it('does not show another account\'s source', async () => {
    const { id } = json(await hookwire(['sources', 'create', 'mine', '--kind', 'WHATSAPP_CLOUD', '--app-secret', 'a', '--verify-token', 'b', '--json']));
    const other = await hookwire(['sources', 'show', id], otherKey);
    expect(other.code).toBe(3);
    expect(other.stdout).toBe('');
  });
});
