// The WhatsApp mapping as data: the real files load, and a broken one fails the load with the file
// and the problem named (an unknown type, a pick that reads nothing, a typo in an operator…).

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_TYPE_NAMES } from '../../src/domain/catalog.ts';
import { canonicalJson, compilePick } from '../../src/domain/sources/picks.ts';
import { loadWhatsAppRules, WHATSAPP_RULES_DIR, WhatsAppRulesError } from '../../src/domain/sources/whatsapp-rules.ts';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

type Files = (name: string) => { read: () => any; write: (v: unknown) => void; remove: () => void };

function brokenRules(change: (file: Files) => void): URL {
  const dir = mkdtempSync(join(tmpdir(), 'hookwire-whatsapp-rules-'));
  dirs.push(dir);
  cpSync(WHATSAPP_RULES_DIR, dir, { recursive: true });
  change((name) => ({
    read: () => JSON.parse(readFileSync(join(dir, name), 'utf8')),
    write: (v) => writeFileSync(join(dir, name), JSON.stringify(v)),
    remove: () => rmSync(join(dir, name)),
  }));
  return pathToFileURL(`${dir}/`);
}

function loadError(dir: URL): string {
  try {
    loadWhatsAppRules(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(WhatsAppRulesError);
    return (error as Error).message;
  }
  throw new Error('the broken mapping loaded');
}

const edit = (file: string, change: (rule: any) => void) => (f: Files) => {
  const rule = f(file).read();
  change(rule);
  f(file).write(rule);
};

describe('loadWhatsAppRules', () => {
  it('loads the real mapping: one rule per listed type, each a type of the catalog, in order', () => {
    const { rules, byField, otherwise } = loadWhatsAppRules();
    expect(rules.map((r) => r.type)).toEqual(['message.reaction', 'message.received', 'message.sent', 'message.delivered', 'message.read', 'message.failed', 'template.status']);
    for (const rule of rules) expect(EVENT_TYPE_NAMES).toContain(rule.type);
    expect([...byField.keys()]).toEqual(['messages', 'message_template_status_update']);
    expect(otherwise.family).toBe('whatsapp');
  });

  it('the README\'s mapping table names every rule with its field and key, as the files say', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## WhatsApp Cloud API source'), readme.indexOf('\n## ', readme.indexOf('## WhatsApp Cloud API source') + 1));
    const rows = section.split('\n').filter((line) => line.startsWith('| `')).map((line) => line.split(' | '));
    const { rules } = loadWhatsAppRules();
    for (const rule of rules) {
      const keyPrefix = (rule.source.idempotencyKey as { $join: string[] }).$join[0]!;
      const row = rows.find((cells) => cells[2]!.split(' / ').includes(`\`${rule.type}\``) || cells[2] === `\`${rule.type}\``);
      expect(row, rule.type).toBeDefined();
      expect(row![0], rule.type).toBe(`| \`${rule.field}\``);
      expect(row![4], rule.type).toContain(`\`${keyPrefix}`);
    }
  });

  it.each([
    ['a type the catalog does not have', edit('index.json', (i) => i.rules.push('message.edited')), /index\.json: "message\.edited" is not an event type of the catalog/],
    ['a family the catalog does not have', edit('index.json', (i) => (i.otherwise = 'meta')), /index\.json: "otherwise" must name an event type family of the catalog/],
    ['a listed rule without its file', (f: Files) => f('message.read.json').remove(), /message\.read\.json: cannot be read/],
    ['a file not listed in index.json', (f: Files) => f('message.edited.json').write({ type: 'message.edited' }), /message\.edited\.json: is not listed in index\.json/],
    ['a type that is not the file name', edit('message.sent.json', (r) => (r.type = 'message.delivered')), /message\.sent\.json: "type" must be "message\.sent", as the file is named/],
    ['a misspelt key', edit('message.sent.json', (r) => (r.idempotencykey = r.idempotencyKey)), /message\.sent\.json: unknown key "idempotencykey"/],
    ['a missing key', edit('message.sent.json', (r) => delete r.sessionId), /message\.sent\.json: "sessionId" is missing/],
    ['an unknown conversion', edit('message.sent.json', (r) => (r.data.timestamp = '$item.timestamp | isoDate')), /message\.sent\.json: data\.timestamp: unknown conversion "isoDate"/],
    ['a scope the rule has no such thing as', edit('template.status.json', (r) => (r.data.templateName = '$item.message_template_name')), /template\.status\.json: data\.templateName: "\$item\.message_template_name" starts with item, which is not one of entry, change, value here/],
    ['an unknown operator', edit('message.failed.json', (r) => (r.data.error = { $last: '$item.errors', map: {} })), /message\.failed\.json: data\.error: unknown operator \$last/],
    ['it outside $each', edit('message.failed.json', (r) => (r.data.code = '$it.code')), /message\.failed\.json: data\.code: "\$it\.code" starts with it/],
    ['a broken path', edit('message.received.json', (r) => (r.data.content.cases[1].then.mediaId = '$item[item.type.id')), /message\.received\.json: data\.content\.cases\[1\]\.then\.mediaId: "\$item\[item\.type\.id" needs "\]"/],
    ['a malformed when', edit('message.read.json', (r) => (r.when = { path: '$item.status', equals: 'read' })), /message\.read\.json: when: must be/],
    ['a case without then', edit('message.received.json', (r) => delete r.data.content.cases[0].then), /message\.received\.json: data\.content\.cases\[0\]: must be \{ "in": \[values\], "then": pick \}/],
    ['a field that takes lists and whole values', edit('message.read.json', (r) => (r.field = 'message_template_status_update')), /the rules of field message_template_status_update must all have "items" or none may \(message\.read, template\.status\)/],
    ['an otherwise rule that names a field', edit('whatsapp.json', (r) => (r.field = 'messages')), /whatsapp\.json: the "otherwise" rule takes every field/],
  ])('fails the load on %s, naming the file', (_, change, expected) => {
    expect(loadError(brokenRules(change))).toMatch(expected);
  });

  it('reports every broken file at once', () => {
    const message = loadError(
      brokenRules((f) => {
        f('message.read.json').remove();
        edit('template.status.json', (r) => (r.data.status = '$value.event | upper'))(f);
      }),
    );
    expect(message).toMatch(/^The WhatsApp mapping in .* is broken:\n {2}- /);
    expect(message).toContain('message.read.json: cannot be read');
    expect(message).toContain('template.status.json: data.status: unknown conversion "upper"');
  });
});

describe('picks', () => {
  const compile = (node: unknown, scopes = ['item', 'value', 'it']) => {
    const problems: string[] = [];
    const pick = compilePick(node, { where: 'data', scopes: new Set(scopes), problems });
    expect(problems).toEqual([]);
    return pick;
  };
  const item = { id: 'wamid.1', type: 'image', image: { id: 'media.1' }, timestamp: '1697043223', n: 1751247548, list: [{ c: 1 }, { c: 2 }] };

  it.each([
    ['a path', '$item.id', 'wamid.1'],
    ['a key named by another path', '$item[item.type].id', 'media.1'],
    ['an absent path', '$item.video.id', undefined],
    ['a list index', '$item.list.1.c', 2],
    ['a conversion', '$item.timestamp | isoTime', '2023-10-11T16:53:43.000Z'],
    ['two conversions', '$item.n | string | lowercase', '1751247548'],
    ['a literal', 'text', 'text'],
    ['a $literal that looks like a path', { $literal: '$item.id' }, '$item.id'],
    ['an object of what is present', { a: '$item.id', b: '$item.nothing' }, { a: 'wamid.1' }],
    ['an object of nothing present is absent', { b: '$item.nothing' }, undefined],
    ['a default', { $value: '$item.nothing', default: null }, null],
    ['$each', { $each: '$item.list', map: '$it.c' }, [1, 2]],
    ['$first', { $first: '$item.list', map: { c: '$it.c' } }, { c: 1 }],
    ['$join', { $join: ['wa:', '$item.id', ':', '$item.n'] }, 'wa:wamid.1:1751247548'],
    ['$join with an absent part is absent', { $join: ['wa:', '$item.nothing'] }, undefined],
    ['$switch', { $switch: '$item.type', cases: [{ in: ['text'], then: 't' }, { in: ['image', 'video'], then: 'media' }], default: 'other' }, 'media'],
  ])('%s', (_, node, expected) => {
    expect(compile(node)({ item })).toEqual(expected);
  });

  it('$hash is the SHA-256 of the values as canonical JSON: key order does not change it', () => {
    const hash = compile({ $hash: ['$value'] });
    expect(hash({ value: { a: 1, b: [1, { c: 2, d: 3 }] } })).toBe(hash({ value: { b: [1, { d: 3, c: 2 }], a: 1 } }));
    expect(hash({ value: { a: 1 } })).not.toBe(hash({ value: { a: 2 } }));
    expect(canonicalJson({ b: 1, a: [null, { z: 1, y: 'x' }] })).toBe('{"a":[null,{"y":"x","z":1}],"b":1}');
  });

  it.each([
    ['isoTime', 'not a time'],
    ['isoTime', '-5'],
    ['string', { id: 1 }],
    ['lowercase', 3],
  ])('%s of %j is absent, so the catalog reports the field', (conversion, value) => {
    expect(compile(`$item.v | ${conversion}`)({ item: { v: value } })).toBeUndefined();
  });
});
