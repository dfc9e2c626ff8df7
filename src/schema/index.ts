// The whole GraphQL schema: imports each model's file, then builds.
import { builder } from './builder.ts';
import './errors.ts';
import './account.ts';
import './endpoint.ts';
import './event-type.ts';
import './event.ts';
import './delivery.ts';
import './subscriptions.ts';
import './timeline.ts';
import './secrets.ts';
import './listen.ts';

export const schema = builder.toSchema({ sortSchema: false });
