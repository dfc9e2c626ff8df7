// Small shared pieces of the dashboard: icons, badges, dialogs, paging, notices, field errors and
// formatting. Dialogs are the native <dialog> (focus trap, Escape and inert background for free).
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

// ---------------------------------------------------------------------------------------------
// Icons (decorative: the control around each one carries the accessible name).

const paths = {
  link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3',
  chevron: 'M9 6l6 6-6 6',
  back: 'M15 6l-6 6 6 6',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7',
  eye: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  eyeOff: 'M3 3l18 18M10.6 6.1A10 10 0 0 1 12 6c6.4 0 10 6 10 6a17 17 0 0 1-3 3.7M6.6 6.6C3.8 8.4 2 12 2 12s3.6 7 10 7a9.7 9.7 0 0 0 4.4-1M9.9 9.9a3 3 0 0 0 4.2 4.2',
  plus: 'M12 5v14M5 12h14',
  close: 'M6 6l12 12M18 6L6 18',
  send: 'M4 12l16-8-6 16-2-7-8-1z',
  retry: 'M4 4v6h6M20 20v-6h-6M5.6 15a7 7 0 0 0 12.8 1M18.4 9A7 7 0 0 0 5.6 8',
};

export function Icon({ name, size = 18 }: { name: keyof typeof paths; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

// ---------------------------------------------------------------------------------------------
// Status words: the seed's own (Active, Success…) for the API's enums.

export type EndpointStatus = 'ACTIVE' | 'PAUSED' | 'DISABLED';
export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

const ENDPOINT_STATUS: Record<EndpointStatus, [string, string]> = {
  ACTIVE: ['Active', 'good'],
  PAUSED: ['Paused', 'warn'],
  DISABLED: ['Disabled', 'bad'],
};

const DELIVERY_STATUS: Record<DeliveryStatus, [string, string]> = {
  SUCCEEDED: ['Success', 'good'],
  FAILED: ['Failed', 'bad'],
  PENDING: ['Pending', 'muted'],
};

export function EndpointBadge({ status }: { status: EndpointStatus }) {
  const [label, tone] = ENDPOINT_STATUS[status];
  return (
    <span className={`badge ${tone}`} data-status={status}>
      {label}
    </span>
  );
}

export function DeliveryBadge({ status, retrying }: { status: DeliveryStatus; retrying?: boolean }) {
  const [label, tone] = retrying && status === 'PENDING' ? ['Retrying', 'warn'] : DELIVERY_STATUS[status];
  return (
    <span className={`badge ${tone}`} data-status={status}>
      {label}
    </span>
  );
}

// ---------------------------------------------------------------------------------------------
// Dialogs.

export function Dialog(props: { open: boolean; title: string; onClose(): void; children: ReactNode; className?: string; describedBy?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      dialog.showModal();
      // showModal focuses the first focusable element (the Close button); a dialog may name a better one.
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  // In a portal, and submit events stop here: a dialog's own <form> must not also submit the
  // screen's form around it (React passes events up through portals).
  return createPortal(
    <dialog
      ref={ref}
      onSubmit={(event) => event.stopPropagation()}
      className={props.className ?? 'dialog'}
      aria-labelledby={titleId}
      aria-describedby={props.describedBy}
      onClose={() => props.open && props.onClose()}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      {props.open && (
        <>
          <header className="dialog-head">
            <h2 id={titleId}>{props.title}</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={props.onClose}>
              <Icon name="close" />
            </button>
          </header>
          {props.children}
        </>
      )}
    </dialog>,
    document.body,
  );
}

/** "Are you sure?" for what cannot be undone. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): Promise<void> | void;
  onClose(): void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const messageId = useId();
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onClose} describedBy={messageId}>
      <div className="dialog-body" id={messageId}>
        {props.message}
      </div>
      <FormError message={error} />
      <DialogActions onCancel={props.onClose} label={props.confirmLabel} busyLabel="Working…" busy={busy} danger={props.danger} onConfirm={confirm} />
    </Dialog>
  );
}

// ---------------------------------------------------------------------------------------------
// Paging over a Relay connection: Previous / Next with before/after cursors.

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor?: string | null;
  endCursor?: string | null;
}

export interface PageArgs {
  first?: number;
  last?: number;
  after?: string;
  before?: string;
}

export function pageArgs(query: URLSearchParams, size: number): PageArgs {
  const after = query.get('after');
  const before = query.get('before');
  if (before) return { last: size, before };
  if (after) return { first: size, after };
  return { first: size };
}

export function Pager({ pageInfo, label, onPage }: { pageInfo: PageInfo | undefined; label: string; onPage(args: { after?: string; before?: string }): void }) {
  if (!pageInfo) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="button"
        disabled={!pageInfo.hasPreviousPage || !pageInfo.startCursor}
        onClick={() => onPage({ before: pageInfo.startCursor ?? undefined })}
      >
        Previous
      </button>
      <button
        type="button"
        className="button"
        disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
        onClick={() => onPage({ after: pageInfo.endCursor ?? undefined })}
      >
        Next
      </button>
    </nav>
  );
}

// ---------------------------------------------------------------------------------------------
// Notices: short confirmations and failures, announced to screen readers.

interface Notice {
  id: number;
  text: string;
  tone: 'good' | 'bad';
}

const NoticeContext = createContext<(text: string, tone?: Notice['tone']) => void>(() => {});

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(0);
  const notify = useCallback((text: string, tone: Notice['tone'] = 'good') => {
    const id = ++next.current;
    setNotices((list) => [...list.slice(-3), { id, text, tone }]);
    setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), 6000);
  }, []);
  return (
    <NoticeContext.Provider value={notify}>
      {children}
      <div className="notices" role="status" aria-live="polite">
        {notices.map((n) => (
          <p key={n.id} className={`notice ${n.tone}`}>
            {n.text}
          </p>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

export const useNotify = () => useContext(NoticeContext);

// ---------------------------------------------------------------------------------------------
// Field errors of a ValidationError, by the input field they name (path ['input', 'url', …] → url).

export type FieldErrors = Record<string, string[]>;

export function fieldErrorsOf(errors: ReadonlyArray<{ path: readonly string[]; message: string }>): FieldErrors {
  const byField: FieldErrors = {};
  for (const { path, message } of errors) {
    const parts = path[0] === 'input' ? path.slice(1) : path;
    const field = parts[0] ?? '_';
    const detail = parts.length > 1 ? `${parts.slice(1).join('.')}: ${message}` : message;
    (byField[field] ??= []).push(detail);
  }
  return byField;
}

/** A form's or a screen's error, announced when it appears. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}

/** Cancel and the dialog's action; the action submits the dialog's form unless onConfirm is given. */
export function DialogActions(props: { onCancel(): void; label: string; busyLabel: string; busy: boolean; danger?: boolean; onConfirm?(): void }) {
  return (
    <footer className="dialog-actions">
      <button type="button" className="button" onClick={props.onCancel} data-autofocus={props.danger ? true : undefined}>
        Cancel
      </button>
      <button
        type={props.onConfirm ? 'button' : 'submit'}
        className={props.danger ? 'button danger' : 'button primary'}
        onClick={props.onConfirm}
        disabled={props.busy}
      >
        {props.busy ? props.busyLabel : props.label}
      </button>
    </footer>
  );
}

/** The error text under a field; its id goes in the field's aria-describedby. */
export function FieldError({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <p className="field-error" id={id}>
      {messages.join('; ')}
    </p>
  );
}

/** What a control needs to be labelled by its help and errors. */
export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

/** A labelled field with optional help and the API's errors for it, wired for screen readers. */
export function Field(props: { label: ReactNode; help?: ReactNode; errors?: string[]; children(control: ControlProps): ReactNode; className?: string }) {
  const id = useId();
  const helpId = props.help ? `${id}-help` : '';
  const errorId = props.errors?.length ? `${id}-error` : '';
  const control: ControlProps = {
    id,
    'aria-describedby': [helpId, errorId].filter(Boolean).join(' ') || undefined,
    'aria-invalid': errorId ? true : undefined,
  };
  return (
    <div className={props.className ?? 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(control)}
      {props.help && (
        <p className="help" id={helpId}>
          {props.help}
        </p>
      )}
      <FieldError id={errorId} messages={props.errors} />
    </div>
  );
}

/** A mutation's result when it is the expected success, else its error message thrown. */
export function orThrow<R extends { __typename: string }, T extends R['__typename']>(result: R, success: T): Extract<R, { __typename: T }> {
  if (result.__typename !== success) throw new Error((result as { message?: string }).message ?? `Unexpected ${result.__typename}`);
  return result as Extract<R, { __typename: T }>;
}

/** A whole-page message: a load that failed, or a thing that is not there. */
export function PageMessage({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <section className="page">
      {title && <h1>{title}</h1>}
      {children}
    </section>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const notify = useNotify();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      notify('Copied to the clipboard');
    } catch {
      notify('The browser refused the clipboard; select the text and copy it', 'bad');
    }
  };
  return (
    <button type="button" className="icon-button" aria-label={label} title={label} onClick={copy}>
      <Icon name="copy" />
    </button>
  );
}

// ---------------------------------------------------------------------------------------------
// Formatting.

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function formatAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}

export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}
