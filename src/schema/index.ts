// The whole GraphQL schema: imports each model's file, then builds, refusing a field that does not
// say who may run it (auth.ts).
import { assertDeclaredAuth } from './auth.ts';
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
import './source.ts';
import './portal.ts';

export const schema = assertDeclaredAuth(builder.toSchema({ sortSchema: false }));
