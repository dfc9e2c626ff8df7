// Client-side routes on the History API: the API process answers every dashboard path with
// index.html, and this picks the screen.
import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * The portal (issue 17) is the dashboard under /portal: its pages keep that prefix, so that a
 * reload inside a platform's iframe is answered with the portal's frame-ancestors, not the
 * dashboard's 'none'. Screens see paths without it.
 */
export const BASE = location.pathname === '/portal' || location.pathname.startsWith('/portal/') ? '/portal' : '';

const withBase = (to: string) => (BASE && to.startsWith('/') && !to.startsWith(BASE + '/') && to !== BASE ? BASE + (to === '/' ? '' : to) : to);
const withoutBase = (path: string) => (BASE && path.startsWith(BASE) ? path.slice(BASE.length) || '/' : path);

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const to = withBase(path);
  if (to === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}

/** The current path and query string; re-renders on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, () => location.pathname + location.search);
  const url = new URL(href, location.origin);
  return { path: withoutBase(url.pathname), query: url.searchParams };
}

/** Replaces the query string (filters, paging, the open payload panel) without a new history entry. */
export function setQuery(update: Record<string, string | null | undefined>): void {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(update)) {
    if (value === null || value === undefined || value === '') params.delete(name);
    else params.set(name, value);
  }
  const search = params.toString();
  navigate(location.pathname + (search ? `?${search}` : ''), { replace: true });
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={withBase(href)} onClick={handle} {...rest} />;
}

/** Sets the document title (screen readers announce it on navigation). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Hookwire`;
  }, [title]);
}
