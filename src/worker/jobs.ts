// Task identifiers of the graphile-worker jobs this service runs (its crontab, and the long
// background work), as stored in job rows: renaming one orphans queued jobs. Deliveries are not
// graphile-worker jobs: they are drained per endpoint by the engine (engine.ts), which the queue's
// single global line could not make fair or bound per endpoint. (The per-attempt task "deliver" of
// the versions before lanes is gone; migration 20261205000000_drop_legacy_deliver_jobs removes its
// queued jobs.)
export const TASKS = {
  purgeExpired: 'purge_expired',
  /** Removes the data of the accounts deleteAccount marked (issue 17); queued on its NOTIFY, at start, and every 5 minutes. */
  deleteAccounts: 'delete_accounts',
} as const;
