// Forms: labelled fields wired to the API's field errors (a ValidationError's paths), the form's
// own error, and a mutation's typed result told apart from its errors.
import { useId, type ReactNode } from 'react';

export type FieldErrors = Record<string, string[]>;

/** A ValidationError's errors by the input field they name (path ['input', 'url', …] → url). */
export function fieldErrorsOf(errors: FieldErrorList): FieldErrors {
  const byField: FieldErrors = {};
  for (const { path, message } of errors) {
    const parts = path[0] === 'input' ? path.slice(1) : path;
    const field = parts[0] ?? '_';
    const detail = parts.length > 1 ? `${parts.slice(1).join('.')}: ${message}` : message;
    (byField[field] ??= []).push(detail);
  }
  return byField;
}

type FieldErrorList = ReadonlyArray<{ path: readonly string[]; message: string }>;

/**
 * What a form shows for a mutation's typed error: a ValidationError field by field, a
 * VerificationError (the URL's handshake failed) on the URL, any other as the form's message.
 */
export function refusalOf(result: { __typename: string; message: string; fieldErrors?: FieldErrorList }): { errors: FieldErrors; message: string } {
  if (result.__typename === 'ValidationError') return { errors: fieldErrorsOf(result.fieldErrors ?? []), message: result.message };
  if (result.__typename === 'VerificationError') return { errors: { url: [result.message] }, message: result.message };
  return { errors: {}, message: result.message };
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

/** A labelled <select> of options, and whatever follows it in the field (a button). */
export function SelectField(props: {
  label: string;
  value: string | number;
  options: ReadonlyArray<{ value: string | number; label: string }>;
  onChange(value: string): void;
  className?: string;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <div className={props.className ?? 'field'}>
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {props.children}
    </div>
  );
}

/** A mutation's result when it is the expected success, else its error message thrown. */
export function orThrow<R extends { __typename: string }, T extends R['__typename']>(result: R, success: T): Extract<R, { __typename: T }> {
  if (result.__typename !== success) throw new Error((result as { message?: string }).message ?? `Unexpected ${result.__typename}`);
  return result as Extract<R, { __typename: T }>;
}
