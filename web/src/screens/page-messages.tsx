// Whole-page messages: a load that failed, or a thing that is not there.
import type { ReactNode } from 'react';
import { Link } from '../router.tsx';

export function PageMessage({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <section className="page">
      {title && <h1>{title}</h1>}
      {children}
    </section>
  );
}

export function LoadFailed({ error }: { error: string }) {
  return (
    <PageMessage>
      <p className="form-error" role="alert">
        {error}
      </p>
    </PageMessage>
  );
}

export function EndpointNotFound() {
  return (
    <PageMessage title="Endpoint not found">
      <p>
        It may have been deleted. <Link href="/endpoints">Back to the endpoints</Link>
      </p>
    </PageMessage>
  );
}
