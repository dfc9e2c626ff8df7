// The catalog as data: the JSON files load into self-contained schemas, and a broken file fails
// the load with a message that names the file and the problem.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CATALOG_DIR, CatalogError, loadCatalog } from '../../src/domain/catalog-loader.ts';
import { EVENT_TYPES } from '../../src/domain/catalog.ts';
import { newAjv } from '../../src/domain/json-schema.ts';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A copy of the real catalog with `change` applied to its files. */
function brokenCatalog(change: (file: (name: string) => { read: () => any; write: (v: unknown) => void; raw: (text: string) => void; remove: () => void }) => void): URL {
  const dir = mkdtempSync(join(tmpdir(), 'hookwire-catalog-'));
  dirs.push(dir);
  cpSync(CATALOG_DIR, dir, { recursive: true });
  change((name) => ({
    read: () => JSON.parse(readFileSync(join(dir, name), 'utf8')),
    write: (v) => writeFileSync(join(dir, name), JSON.stringify(v)),
    raw: (text) => writeFileSync(join(dir, name), text),
    remove: () => rmSync(join(dir, name)),
  }));
  return pathToFileURL(`${dir}/`);
}

function loadError(dir: URL): string {
  try {
    loadCatalog(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return (error as Error).message;
  }
  throw new Error('the broken catalog loaded');
}

describe('loadCatalog', () => {
  it('loads every type of the real catalog with its validator, and the whatsapp.* family', () => {
    const { types, validators, families } = loadCatalog();
    expect(types.map((t) => t.name)).toEqual(EVENT_TYPES.map((t) => t.name));
    expect([...validators.keys()]).toEqual(types.map((t) => t.name));
    expect([...families.keys()]).toEqual(['whatsapp']);
  });

  it('serves self-contained schemas: shared definitions are copied in, no reference leaves the schema', () => {
    for (const type of EVENT_TYPES) {
      const text = JSON.stringify(type.schema);
      expect(text).not.toContain('common.json');
      // Compiles alone, in an ajv that has never seen common.json, and accepts the example.
      expect(newAjv().compile(type.schema)(type.example)).toBe(true);
      const refs = [...text.matchAll(/"\$ref":"#\/\$defs\/([A-Za-z]+)"/g)].map((m) => m[1]);
      expect(Object.keys((type.schema.$defs as object | undefined) ?? {}).sort()).toEqual([...new Set(refs)].sort());
    }
  });

  it.each([
    ['a file that is not JSON', (f: any) => f('message.read.json').raw('{"name": "message.read",'), /message\.read\.json: is not valid JSON/],
    [
      'a misspelt keyword (strict mode)',
      (f: any) => {
        const t = f('message.read.json').read();
        t.schema.properties.to.minLenght = 3;
        f('message.read.json').write(t);
      },
      /message\.read\.json: schema does not compile: strict mode: unknown keyword: "minLenght"/,
    ],
    [
      'an example that does not validate',
      (f: any) => {
        const t = f('template.status.json').read();
        t.example.status = 'APPROVED';
        f('template.status.json').write(t);
      },
      /template\.status\.json: example does not validate against the schema: example\.status must be one of: "approved"/,
    ],
    [
      'a reference to a definition that does not exist',
      (f: any) => {
        const t = f('message.sent.json').read();
        t.schema.properties.to = { $ref: 'common.json#/$defs/phone' };
        f('message.sent.json').write(t);
      },
      /message\.sent\.json: \$ref "common\.json#\/\$defs\/phone" does not name a definition in common\.json/,
    ],
    ['a file not listed in catalog.json', (f: any) => f('order.created.json').write({ name: 'order.created' }), /order\.created\.json: is not listed in catalog\.json/],
    ['a listed type without its file', (f: any) => f('webhook.test.json').remove(), /webhook\.test\.json: cannot be read/],
    [
      'a name that is not the file name',
      (f: any) => {
        const t = f('presence.update.json').read();
        t.name = 'presence.updated';
        f('presence.update.json').write(t);
      },
      /presence\.update\.json: "name" must be "presence\.update"/,
    ],
    [
      'a schema of another draft',
      (f: any) => {
        const t = f('form.submitted.json').read();
        t.schema.$schema = 'http://json-schema.org/draft-07/schema#';
        f('form.submitted.json').write(t);
      },
      /form\.submitted\.json: "schema\.\$schema" must be https:\/\/json-schema\.org\/draft\/2020-12\/schema/,
    ],
    ['a family listed without its file', (f: any) => f('whatsapp.json').remove(), /whatsapp\.json: cannot be read/],
    [
      'a family member whose example does not fit the family\'s schema',
      (f: any) => {
        const t = f('whatsapp.json').read();
        t.members[1].example.field = 'account_review_update';
        f('whatsapp.json').write(t);
      },
      /whatsapp\.json: members\[1\]\.example does not validate against the schema: members\[1\]\.example\.field must be "account_update"/,
    ],
    [
      'a family member named outside the family',
      (f: any) => {
        const t = f('whatsapp.json').read();
        t.members[0].name = 'message.history';
        f('whatsapp.json').write(t);
      },
      /whatsapp\.json: members\[0\]\.name must be whatsapp\.<one lowercase segment>, got "message\.history"/,
    ],
    [
      'a family file of another family',
      (f: any) => {
        const t = f('whatsapp.json').read();
        t.family = 'meta';
        f('whatsapp.json').write(t);
      },
      /whatsapp\.json: "family" must be "whatsapp"/,
    ],
  ])('fails the load on %s, naming the file', (_, change, expected) => {
    expect(loadError(brokenCatalog(change))).toMatch(expected);
  });

  it('reports every broken file at once', () => {
    const message = loadError(
      brokenCatalog((f) => {
        f('message.read.json').raw('nope');
        f('session.connected.json').remove();
      }),
    );
    expect(message).toContain('message.read.json');
    expect(message).toContain('session.connected.json');
    expect(message).toMatch(/^The event type catalog in .* is broken:\n {2}- /);
  });
});
