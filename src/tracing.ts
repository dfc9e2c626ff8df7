// OpenTelemetry traces: a span per delivery attempt (traceAttempt, called by the engine) and one
// per GraphQL operation (useOperationSpans), exported over OTLP/HTTP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set. Off otherwise, at no cost: the SDK is not even imported, the
// API's tracer is a no-op and traceAttempt calls straight through.
import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The process's tracer: spans go nowhere until startTracing() registers an exporting provider. */
export const tracer = trace.getTracer('hookwire');

let enabled = false;

export function tracingEnabled(): boolean {
  return enabled;
}

export interface Tracing {
  /** Exports what is buffered (tests; before a process exits). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let running: Tracing | null = null;

/**
 * Registers the SDK with an OTLP/HTTP exporter to `<endpoint>/v1/traces`; null when no endpoint is
 * configured. Once per process: a second call (a second app in one test process) shares the first.
 */
export async function startTracing(options: { endpoint: string | null; serviceName?: string; version: string; role: string }): Promise<Tracing | null> {
  if (!options.endpoint) return null;
  if (running) return running;
  const [{ TracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { AsyncLocalStorageContextManager }, { resourceFromAttributes }, { context }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/api'),
    ]);
  const url = new URL('v1/traces', options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`).href;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName ?? 'hookwire',
      'service.version': options.version,
      'hookwire.role': options.role,
    }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }), scheduledDelayMillis: 1_000 })],
  });
  // Spans started inside a span (across awaits) become its children.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  enabled = true;
  running = {
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      enabled = false;
      running = null;
    },
  };
  return running;
}

/** What identifies one delivery attempt. */
export interface AttemptSpanAttributes {
  endpointId: string;
  deliveryId: string;
  attemptNumber: number;
  eventType?: string;
  /** SCHEDULED or MANUAL. */
  trigger?: string;
}

/** How it went: the attempt's outcome (SUCCESS, HTTP_ERROR, TIMEOUT, NETWORK_ERROR, BLOCKED). */
export interface AttemptSpanResult {
  outcome: string;
  statusCode?: number | null;
  willRetry?: boolean;
  durationMs?: number;
  error?: string | null;
}

function attemptAttributes(a: AttemptSpanAttributes): Attributes {
  return {
    'hookwire.endpoint.id': a.endpointId,
    'hookwire.delivery.id': a.deliveryId,
    'hookwire.attempt.number': a.attemptNumber,
    ...(a.eventType ? { 'hookwire.event.type': a.eventType } : {}),
    ...(a.trigger ? { 'hookwire.attempt.trigger': a.trigger } : {}),
  };
}

function endAttempt(span: Span, result: AttemptSpanResult): void {
  span.setAttribute('hookwire.attempt.outcome', result.outcome);
  if (result.statusCode != null) span.setAttribute('http.response.status_code', result.statusCode);
  if (result.willRetry !== undefined) span.setAttribute('hookwire.attempt.will_retry', result.willRetry);
  if (result.durationMs !== undefined) span.setAttribute('hookwire.attempt.duration_ms', result.durationMs);
  if (result.outcome === 'SUCCESS') span.setStatus({ code: SpanStatusCode.OK });
  else span.setStatus({ code: SpanStatusCode.ERROR, message: result.error ?? result.outcome });
  span.end();
}

/**
 * Runs one attempt inside a span named `webhook.attempt`: the attributes above, then the outcome
 * and status code that `describe` reads from its result. A throw is recorded on the span and
 * rethrown. With tracing off this is `run()`.
 */
export async function traceAttempt<T>(attributes: AttemptSpanAttributes, run: () => Promise<T>, describe: (result: T) => AttemptSpanResult): Promise<T> {
  if (!enabled) return run();
  return tracer.startActiveSpan('webhook.attempt', { kind: SpanKind.CLIENT, attributes: attemptAttributes(attributes) }, async (span) => {
    try {
      const result = await run();
      endAttempt(span, describe(result));
      return result;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      span.end();
      throw error;
    }
  });
}

/** For code that cannot wrap the attempt in a function: start here, end() once its outcome is known. */
export function startAttemptSpan(attributes: AttemptSpanAttributes): { end(result: AttemptSpanResult): void } {
  if (!enabled) return { end() {} };
  const span = tracer.startSpan('webhook.attempt', { kind: SpanKind.CLIENT, attributes: attemptAttributes(attributes) });
  return { end: (result) => endAttempt(span, result) };
}

/** A span per GraphQL operation: its type and name, the account, and whether it ended with errors. */
export function useOperationSpans(): Plugin<{ account?: { id: string } | null }> {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      const type = operation?.operation ?? 'unknown';
      const name = operation?.name?.value;
      const span = tracer.startSpan(name ? `graphql.${type} ${name}` : `graphql.${type}`, {
        kind: SpanKind.SERVER,
        attributes: {
          'graphql.operation.type': type,
          ...(name ? { 'graphql.operation.name': name } : {}),
          ...(args.contextValue.account ? { 'hookwire.account.id': args.contextValue.account.id } : {}),
        },
      });
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? (result.errors ?? []) : [];
          if (errors.length > 0) {
            span.setAttribute('graphql.error.count', errors.length);
            span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]!.message });
          }
          span.end();
        },
      };
    },
  };
}
