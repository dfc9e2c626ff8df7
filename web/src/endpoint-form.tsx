// What the create dialog and the editor share: the event-type checklist and the endpoint settings
// as data. A setting the API gains is its name in the EndpointSettings fragment and one entry in
// SETTINGS, both below; their bounds come from the limits the API enforces (src/limits.ts).
import { useId, type ReactNode } from 'react';
import { ENDPOINT_LIMITS as L } from '../../src/limits.ts';
import { graphql } from './generated/index.ts';
import { useQuery } from './session.tsx';
import { Field, FieldError, type FieldErrors } from './ui.tsx';

// ---------------------------------------------------------------------------------------------
// Event types.

export interface CatalogType {
  name: string;
  description: string;
}

const ALL = '*';

const CatalogNames = graphql(`
  query DashboardCatalogNames {
    eventTypes {
      name
      description
    }
  }
`);

/** The catalog's public types (the operational ones, endpoint.paused…, listed after the rest). */
export function useCatalog(): CatalogType[] {
  const { data } = useQuery(CatalogNames, {});
  return data?.eventTypes ?? [];
}

/** Checkboxes for the catalog's types, plus any wildcard the endpoint already has ("message.*", "*"). */
export function EventTypePicker(props: {
  catalog: readonly CatalogType[];
  selected: readonly string[];
  onChange(selected: string[]): void;
  errors?: string[];
  legend?: ReactNode;
}) {
  const errorId = useId();
  const { catalog, selected, onChange } = props;
  const names = catalog.map((t) => t.name);
  const patterns = selected.filter((s) => !names.includes(s) && s !== ALL);
  const toggle = (name: string, on: boolean) => onChange(on ? [...selected, name] : selected.filter((s) => s !== name));
  const option = (name: string, description: string, label: ReactNode = <code>{name}</code>) => (
    <label key={name} className="check">
      <input type="checkbox" name="eventTypes" value={name} checked={selected.includes(name)} onChange={(e) => toggle(name, e.target.checked)} />
      <span>
        {label}
        <small>{description}</small>
      </span>
    </label>
  );
  return (
    <fieldset className="event-types" aria-describedby={props.errors?.length ? errorId : undefined} aria-invalid={props.errors?.length ? true : undefined}>
      <legend>{props.legend ?? 'Event Types'}</legend>
      <div className="check-grid">
        {option(ALL, 'Every event type, including ones added later', <strong>All event types</strong>)}
        {patterns.map((p) => option(p, 'Wildcard subscription'))}
        {catalog.map((t) => option(t.name, t.description))}
      </div>
      <FieldError id={errorId} messages={props.errors} />
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------
// Settings: how each endpoint field reads from the API, shows in the form, and goes back.

type Draft = string | boolean | HeaderRow[];

export interface HeaderRow {
  name: string;
  value: string;
}

interface SettingKind<D extends Draft> {
  /** The API's value → the form's. */
  toDraft(value: unknown): D;
  /** The form's value → the API input's, or a message for the user. */
  toInput(draft: D): { value: unknown } | { error: string };
}

const text: SettingKind<string> = {
  toDraft: (v) => (typeof v === 'string' ? v : ''),
  toInput: (d) => ({ value: d.trim() }),
};

/** A whole number; blank means null (no limit, the default). */
const optionalInt: SettingKind<string> = {
  toDraft: (v) => (typeof v === 'number' ? String(v) : ''),
  toInput: (d) => (d.trim() === '' ? { value: null } : /^\d+$/.test(d.trim()) ? { value: Number(d) } : { error: 'must be a whole number, or blank' }),
};

const int: SettingKind<string> = {
  toDraft: (v) => (typeof v === 'number' ? String(v) : ''),
  toInput: (d) => (/^\d+$/.test(d.trim()) ? { value: Number(d) } : { error: 'must be a whole number' }),
};

/** Seconds, comma separated: "60, 300, 900". Blank: the deployment's default schedule. */
const secondsList: SettingKind<string> = {
  toDraft: (v) => (Array.isArray(v) ? v.join(', ') : ''),
  toInput: (d) => {
    const parts = d.split(/[\s,]+/).filter(Boolean);
    if (parts.length === 0) return { value: null };
    if (parts.some((p) => !/^\d+$/.test(p))) return { error: 'must be whole numbers of seconds, separated by commas' };
    return { value: parts.map(Number) };
  },
};

/** One per line; blank: null (every session). */
const lines: SettingKind<string> = {
  toDraft: (v) => (Array.isArray(v) ? v.join('\n') : ''),
  toInput: (d) => {
    const items = d.split('\n').map((s) => s.trim()).filter(Boolean);
    return { value: items.length ? items : null };
  },
};

const headers: SettingKind<HeaderRow[]> = {
  toDraft: (v) => (v && typeof v === 'object' ? Object.entries(v as Record<string, string>).map(([name, value]) => ({ name, value: String(value) })) : []),
  toInput: (rows) => {
    const filled = rows.filter((r) => r.name.trim() || r.value.trim());
    if (filled.some((r) => !r.name.trim())) return { error: 'every header needs a name' };
    return { value: filled.length ? Object.fromEntries(filled.map((r) => [r.name.trim(), r.value])) : null };
  },
};

const boolean: SettingKind<boolean> = {
  toDraft: (v) => v === true,
  toInput: (d) => ({ value: d }),
};

/** Any JSON, edited as text; blank means null. */
const json: SettingKind<string> = {
  toDraft: (v) => (v === null || v === undefined ? '' : JSON.stringify(v, null, 2)),
  toInput: (d) => {
    if (d.trim() === '') return { value: null };
    try {
      return { value: JSON.parse(d) };
    } catch {
      return { error: 'must be valid JSON' };
    }
  },
};

/** Source text kept as typed (a transformation); blank is sent as "", which the API reads as none. */
const code: SettingKind<string> = {
  toDraft: (v) => (typeof v === 'string' ? v : ''),
  toInput: (d) => ({ value: d }),
};

const KINDS = { text, optionalInt, int, secondsList, lines, headers, boolean, json, code };

export interface Setting {
  /** The field's name in Endpoint and UpdateEndpointInput alike. */
  name: string;
  label: string;
  kind: keyof typeof KINDS;
  help?: string;
  placeholder?: string;
}

// The settings the editor loads: every name in SETTINGS, and nothing else (the ones a portal
// session has turned off not at all: DashboardEndpoint's variables).
graphql(`
  fragment EndpointSettings on Endpoint {
    description
    rateLimitPerSecond
    timeoutMs
    retrySchedule
    headers @include(if: $customHeaders)
    sessionIds
    concurrencyLimit
    ordered
    filter @include(if: $filters)
    transformation @include(if: $transformations)
  }
`);

/** The editor's Advanced settings, in order. */
export const SETTINGS: readonly Setting[] = [
  { name: 'description', label: 'Description', kind: 'text', help: `The endpoint’s display name, at most ${L.descriptionMaxLength} characters.` },
  { name: 'rateLimitPerSecond', label: 'Rate Limit (req/s)', kind: 'optionalInt', placeholder: 'No limit', help: `Deliveries per second, ${L.rateLimitMin} to ${L.rateLimitMax}; blank for no limit.` },
  { name: 'timeoutMs', label: 'Timeout (ms)', kind: 'int', help: `How long an attempt waits for your server: ${L.timeoutMsMin} to ${L.timeoutMsMax}.` },
  {
    name: 'retrySchedule',
    label: 'Retry schedule (seconds)',
    kind: 'secondsList',
    help: `Seconds before each retry (${L.retryDelayMinSeconds} to ${L.retryDelayMaxSeconds}, at most ${L.retryScheduleMax}), comma separated; blank for the deployment’s default.`,
  },
  { name: 'headers', label: 'Custom headers', kind: 'headers', help: `Sent with every delivery, at most ${L.headersMax}; they cannot replace the signature headers.` },
  { name: 'sessionIds', label: 'WhatsApp sessions', kind: 'lines', placeholder: 'Every session', help: `Only events of these sessions, one per line (at most ${L.sessionIdsMax}); blank for every session.` },
  {
    name: 'concurrencyLimit',
    label: 'Concurrency limit',
    kind: 'optionalInt',
    placeholder: 'Deployment default',
    help: `Attempts in flight to this endpoint at once, ${L.concurrencyLimitMin} to ${L.concurrencyLimitMax}; blank for the deployment’s default.`,
  },
  { name: 'ordered', label: 'Deliver in order', kind: 'boolean', help: 'One at a time, in publish order; each waits for the one before.' },
  { name: 'filter', label: 'Filter', kind: 'json', placeholder: '{"data": {"status": {"$in": ["read", "failed"]}}}', help: 'Only events whose envelope matches; blank for every event.' },
  {
    name: 'transformation',
    label: 'Transformation',
    kind: 'code',
    placeholder: 'function handler(webhook) { return webhook }',
    help: `Runs before each delivery is first signed, at most ${L.transformationMaxBytes / 1024} KiB; blank for none.`,
  },
];

export type Drafts = Record<string, Draft>;

export function draftsOf(endpoint: Record<string, unknown>, settings: readonly Setting[] = SETTINGS): Drafts {
  return Object.fromEntries(settings.map((s) => [s.name, (KINDS[s.kind] as SettingKind<Draft>).toDraft(endpoint[s.name])]));
}

/** The input for the settings that changed, or the field errors of those the form cannot send. */
export function changedInput(initial: Drafts, drafts: Drafts, settings: readonly Setting[] = SETTINGS): { input: Record<string, unknown>; errors: FieldErrors } {
  const input: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const s of settings) {
    if (JSON.stringify(initial[s.name]) === JSON.stringify(drafts[s.name])) continue;
    const result = (KINDS[s.kind] as SettingKind<Draft>).toInput(drafts[s.name]!);
    if ('error' in result) errors[s.name] = [result.error];
    else input[s.name] = result.value;
  }
  return { input, errors };
}

/** One setting's control with its label, help and errors. */
export function SettingField(props: { setting: Setting; value: Draft; onChange(value: Draft): void; errors?: string[] }) {
  const { setting, value, onChange } = props;
  const id = useId();
  if (setting.kind === 'boolean' || setting.kind === 'headers') {
    // A checkbox is labelled by its own text, and the header rows by their group's heading.
    const helpId = `${id}-help`;
    const errorId = `${id}-error`;
    const describedBy = [setting.help ? helpId : '', props.errors?.length ? errorId : ''].filter(Boolean).join(' ') || undefined;
    return (
      <div className="field">
        {setting.kind === 'boolean' ? (
          <label className="check inline">
            <input type="checkbox" checked={value as boolean} onChange={(e) => onChange(e.target.checked)} aria-describedby={describedBy} />
            <span>{setting.label}</span>
          </label>
        ) : (
          <>
            <span className="label" id={`${id}-label`}>
              {setting.label}
            </span>
            <HeaderRows id={id} rows={value as HeaderRow[]} onChange={onChange} describedBy={describedBy} />
          </>
        )}
        {setting.help && (
          <p className="help" id={helpId}>
            {setting.help}
          </p>
        )}
        <FieldError id={errorId} messages={props.errors} />
      </div>
    );
  }
  const numeric = setting.kind === 'int' || setting.kind === 'optionalInt';
  return (
    <Field label={setting.label} help={setting.help} errors={props.errors}>
      {(control) =>
        setting.kind === 'lines' || setting.kind === 'json' || setting.kind === 'code' ? (
          <textarea {...control} name={setting.name} rows={setting.kind === 'lines' ? 3 : 6} spellCheck={false} value={value as string} placeholder={setting.placeholder} onChange={(e) => onChange(e.target.value)} />
        ) : (
          <input
            {...control}
            name={setting.name}
            inputMode={numeric ? 'numeric' : undefined}
            value={value as string}
            placeholder={setting.placeholder}
            onChange={(e) => onChange(e.target.value)}
          />
        )
      }
    </Field>
  );
}

function HeaderRows({ id, rows, onChange, describedBy }: { id: string; rows: HeaderRow[]; onChange(rows: HeaderRow[]): void; describedBy?: string }) {
  const set = (index: number, row: Partial<HeaderRow>) => onChange(rows.map((r, i) => (i === index ? { ...r, ...row } : r)));
  return (
    <div className="header-rows" role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy}>
      {rows.map((row, index) => (
        <div className="header-row" key={index}>
          <input aria-label={`Header ${index + 1} name`} placeholder="X-Header-Name" value={row.name} onChange={(e) => set(index, { name: e.target.value })} />
          <input aria-label={`Header ${index + 1} value`} placeholder="value" value={row.value} onChange={(e) => set(index, { value: e.target.value })} />
          <button type="button" className="icon-button" aria-label={`Remove header ${index + 1}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="button small" onClick={() => onChange([...rows, { name: '', value: '' }])}>
        Add header
      </button>
    </div>
  );
}
