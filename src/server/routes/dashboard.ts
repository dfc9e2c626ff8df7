// The dashboard (web/dist): every path but the GraphQL endpoint, client routes falling back to index.html.
import { createWebApp, WEB_DIST } from '../web.ts';
import type { Route } from './route.ts';

export function dashboardRoute(options: { portalFrameAncestors: string; graphqlEndpoint: string }): Route {
  const web = createWebApp(WEB_DIST, { portalFrameAncestors: options.portalFrameAncestors });
  return async (req, res, path) => path !== options.graphqlEndpoint && (await web.serve(req, res, path));
}
