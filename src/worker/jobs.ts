// Task identifiers of the graphile-worker jobs this service runs (crontab and maintenance), as
// stored in job rows: renaming one orphans queued jobs. Deliveries are not graphile-worker jobs:
// they are drained per endpoint by the engine (engine.ts), which the queue's single global line
// could not make fair or bound per endpoint.
export const TASKS = {
  /**
   * One delivery attempt per job, before the engine had lanes. Jobs queued by an older version are
   * completed without doing anything: the upgrade's migration put their deliveries in lanes.
   */
  legacyDeliver: 'deliver',
  purgeExpired: 'purge_expired',
} as const;
