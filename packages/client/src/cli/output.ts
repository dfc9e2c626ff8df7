// How the CLI prints: aligned tables and key/value records for people, JSON for scripts.

export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Resolves when the user asks a long-running command to stop (Ctrl-C, SIGTERM). */
  stopSignal: Promise<void>;
}

export class Output {
  readonly json: boolean;
  readonly #io: Io;

  constructor(io: Io, json: boolean) {
    this.#io = io;
    this.json = json;
  }

  /** A line for people on stdout (nothing with --json). */
  line(text = ''): void {
    if (!this.json) this.#io.stdout.write(`${text}\n`);
  }

  /** Notices that are not the command's result (progress, hints): stderr, so stdout stays clean. */
  note(text: string): void {
    this.#io.stderr.write(`${text}\n`);
  }

  /** The command's result: `value` as JSON with --json, else whatever `human` prints. */
  result(value: unknown, human: () => void): void {
    if (this.json) this.#io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else human();
  }

  /**
   * Text exactly as it is (a body), on stdout; on a terminal a newline follows it when it has
   * none, so that the prompt does not, but a file or a pipe gets the bytes alone.
   */
  raw(text: string): void {
    this.#io.stdout.write(text);
    if (this.#io.stdout.isTTY && !text.endsWith('\n')) this.#io.stdout.write('\n');
  }

  /** One JSON value per line (--json of a stream), or a human line. */
  streamItem(value: unknown, human: string): void {
    this.#io.stdout.write(this.json ? `${JSON.stringify(value)}\n` : `${human}\n`);
  }

  table(headers: string[], rows: Array<Array<string | number | null | undefined>>): void {
    const cells = rows.map((row) => row.map(cell));
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => [...row[i]!].length)));
    const format = (row: string[]) =>
      row
        .map((value, i) => (i === row.length - 1 ? value : value + ' '.repeat(widths[i]! - [...value].length)))
        .join('  ')
        .trimEnd();
    this.line(format(headers));
    for (const row of cells) this.line(format(row));
  }

  record(rows: Array<[string, string | number | null | undefined]>): void {
    const width = Math.max(...rows.map(([key]) => key.length));
    for (const [key, value] of rows) this.line(`${key.padEnd(width)}  ${cell(value)}`);
  }
}

function cell(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}

export const list = (values: readonly string[] | null | undefined, none = 'all') => (values && values.length ? values.join(',') : none);

/** A timestamp without its milliseconds, still ISO 8601 (what people read and scripts parse). */
export const time = (iso: string | null | undefined) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : null);

export const pretty = (value: unknown) => JSON.stringify(value, null, 2);
