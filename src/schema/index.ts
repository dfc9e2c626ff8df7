// The whole GraphQL schema: imports each model's file, then builds.
import { builder } from './builder.ts';
import './errors.ts';
import './account.ts';

export const schema = builder.toSchema({ sortSchema: false });
