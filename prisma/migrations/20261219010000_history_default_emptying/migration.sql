-- The DEFAULT partitions emptied (issue 16). Rows land in event_default, delivery_default and
-- delivery_attempt_default two ways: a dropped week's pending deliveries (with their attempts and
-- events) and straddling events are moved there (hookwire_history_drop_week), and rows of a week
-- whose partitions did not exist yet (the worker's maintenance not running for weeks) are routed
-- there. Both stayed for ever: DEFAULT grew, and a week's partitions could not be created while
-- DEFAULT held rows of it (Postgres checks DEFAULT at CREATE ... PARTITION OF), so a worker down for
-- more than WEEKS_AHEAD weeks could never make this week again. Now:
--   - hookwire_history_purge_default deletes, in small batches, DEFAULT's deliveries past retention
--     and finished (their attempts with them), then its events past retention that no delivery
--     refers to any more (their idempotency keys with them), the counters lowered by exactly that;
--   - hookwire_history_create_week (replaced) moves the week's rows out of DEFAULT into its new
--     partitions in the creating transaction, under the locks the creation takes anyway; DEFAULT
--     holds few rows, so that is a few index probes and a few inserts.

-- Deletes up to `lim` finished deliveries of DEFAULT made before `before` with their attempts, and
-- up to `lim` events of DEFAULT made before `before` that no delivery refers to (with their
-- idempotency keys), in the caller's transaction. delivery_hour_count loses the deliveries through
-- its trigger; attempt_hour_count, which counts inserts only, loses their attempts here. Returns
-- how many of each went.
CREATE FUNCTION hookwire_history_purge_default(before timestamptz, lim int, OUT deliveries int, OUT events int) LANGUAGE plpgsql AS $$
DECLARE
  d_cut text := hookwire_history_bound('dlv', before);
  e_cut text := hookwire_history_bound('evt', before);
  ids text[];
BEGIN
  CREATE TEMP TABLE hookwire_purged_delivery ON COMMIT DROP AS
    SELECT d.id, d.endpoint_id FROM hookwire_history.delivery_default d
    WHERE d.id < d_cut AND d.status <> 'PENDING' ORDER BY d.id LIMIT lim FOR UPDATE;
  GET DIAGNOSTICS deliveries = ROW_COUNT;
  CREATE TEMP TABLE hookwire_gone_delivery (endpoint_id text, event_type text, hour timestamptz, succeeded bigint, failed bigint) ON COMMIT DROP;
  CREATE TEMP TABLE hookwire_gone_attempt ON COMMIT DROP AS
    SELECT p.endpoint_id, hookwire_hour(a.started_at) AS hour, count(*) AS attempts, count(*) FILTER (WHERE a.outcome = 'SUCCESS') AS succeeded
    FROM hookwire_history.delivery_attempt_default a JOIN hookwire_purged_delivery p ON p.id = a.delivery_id GROUP BY 1, 2;
  PERFORM hookwire_history_lower_counters();
  -- Their attempts go with them (ON DELETE CASCADE), their counters by the trigger. Ids as arrays:
  -- found by index in each partition.
  ids := ARRAY(SELECT id FROM hookwire_purged_delivery);
  DELETE FROM delivery WHERE id = ANY(ids);
  ids := ARRAY(SELECT e.id FROM hookwire_history.event_default e WHERE e.id < e_cut ORDER BY e.id);
  ids := ARRAY(SELECT x.id FROM unnest(ids) AS x(id) WHERE NOT EXISTS (SELECT FROM delivery d WHERE d.event_id = x.id) ORDER BY x.id LIMIT lim);
  DELETE FROM event WHERE id = ANY(ids);
  GET DIAGNOSTICS events = ROW_COUNT;
  DROP TABLE hookwire_purged_delivery, hookwire_gone_delivery, hookwire_gone_attempt;
END $$;

-- Whether DEFAULT holds rows of the week that holds `day` (a few index probes).
CREATE FUNCTION hookwire_history_default_holds(day date) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
  week date := hookwire_history_week(day);
  lo timestamptz := week::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (week + 7)::timestamp AT TIME ZONE 'UTC';
BEGIN
  RETURN EXISTS (SELECT FROM hookwire_history.event_default WHERE id >= hookwire_history_bound('evt', lo) AND id < hookwire_history_bound('evt', hi))
      OR EXISTS (SELECT FROM hookwire_history.delivery_default WHERE id >= hookwire_history_bound('dlv', lo) AND id < hookwire_history_bound('dlv', hi))
      OR EXISTS (SELECT FROM hookwire_history.delivery_attempt_default WHERE delivery_id >= hookwire_history_bound('dlv', lo) AND delivery_id < hookwire_history_bound('dlv', hi));
END $$;

-- Creates the three partitions (UTC) of the week that holds day unless they exist; false when the
-- week overlaps a partition already there (the attached old table). Rows of the week in DEFAULT
-- are moved into the new partitions, every one kept, the counters as they were: copied aside with
-- the deliveries elsewhere that refer to the moving events (their foreign key would cascade) and
-- all those deliveries' attempts and the events' idempotency keys, deleted, the partitions created
-- (DEFAULT holds none of the week then), and inserted again (routed to their partitions).
-- delivery_hour_count follows the deletes and inserts by its triggers; attempt_hour_count, which
-- counts inserts only, is lowered first by what goes back.
CREATE OR REPLACE FUNCTION hookwire_history_create_week(day date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  week date := hookwire_history_week(day);
  s text := to_char(week, 'YYYYMMDD');
  lo timestamptz := week::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (week + 7)::timestamp AT TIME ZONE 'UTC';
  e_lo text := hookwire_history_bound('evt', lo);
  e_hi text := hookwire_history_bound('evt', hi);
  d_lo text := hookwire_history_bound('dlv', lo);
  d_hi text := hookwire_history_bound('dlv', hi);
  moving boolean;
  event_ids text[];
  delivery_ids text[];
BEGIN
  IF to_regclass('hookwire_history.delivery_attempt_' || s) IS NOT NULL THEN RETURN true; END IF;
  -- Every lock the creation needs, first: the three parents (and so their partitions, whose
  -- foreign keys to the new partitions are made), endpoint and account (the new partitions'
  -- foreign keys to them), and idempotency_key (the moved events' keys). Taken one by one as each
  -- statement needs them, a lock would be waited for while writers wait for this transaction: a
  -- deadlock, and a publish its victim (seen in test/db/partitions.test.ts under load). Here only
  -- this statement waits, for the caller's lock_timeout, and gives way to be retried.
  LOCK TABLE event, delivery, delivery_attempt IN ACCESS EXCLUSIVE MODE;
  LOCK TABLE endpoint, account IN SHARE ROW EXCLUSIVE MODE;
  LOCK TABLE idempotency_key IN ROW EXCLUSIVE MODE;
  moving := hookwire_history_default_holds(week);
  BEGIN
    IF moving THEN
      CREATE TEMP TABLE hookwire_moving_event ON COMMIT DROP AS
        SELECT * FROM hookwire_history.event_default WHERE id >= e_lo AND id < e_hi;
      -- Ids as arrays, so that every statement below finds its rows by index in each partition
      -- (a join with a temp table, which has no statistics, was planned as scans of every week).
      event_ids := ARRAY(SELECT id FROM hookwire_moving_event);
      CREATE TEMP TABLE hookwire_moving_key ON COMMIT DROP AS
        SELECT k.* FROM idempotency_key k WHERE k.event_id = ANY(event_ids);
      -- The week's deliveries (all in DEFAULT: the week has no partition) and any elsewhere whose
      -- event moves.
      CREATE TEMP TABLE hookwire_moving_delivery ON COMMIT DROP AS
        SELECT * FROM hookwire_history.delivery_default d WHERE d.id >= d_lo AND d.id < d_hi;
      INSERT INTO hookwire_moving_delivery
        SELECT * FROM delivery d WHERE d.event_id = ANY(event_ids) AND NOT (d.id >= d_lo AND d.id < d_hi);
      delivery_ids := ARRAY(SELECT id FROM hookwire_moving_delivery);
      CREATE TEMP TABLE hookwire_moving_attempt ON COMMIT DROP AS
        SELECT a.* FROM delivery_attempt a WHERE a.delivery_id = ANY(delivery_ids);
      CREATE TEMP TABLE hookwire_gone_delivery (endpoint_id text, event_type text, hour timestamptz, succeeded bigint, failed bigint) ON COMMIT DROP;
      CREATE TEMP TABLE hookwire_gone_attempt ON COMMIT DROP AS
        SELECT d.endpoint_id, hookwire_hour(a.started_at) AS hour, count(*) AS attempts, count(*) FILTER (WHERE a.outcome = 'SUCCESS') AS succeeded
        FROM hookwire_moving_attempt a JOIN hookwire_moving_delivery d ON d.id = a.delivery_id GROUP BY 1, 2;
      PERFORM hookwire_history_lower_counters();
      DELETE FROM delivery_attempt WHERE delivery_id = ANY(delivery_ids);
      DELETE FROM delivery WHERE id = ANY(delivery_ids);
      DELETE FROM event WHERE id = ANY(event_ids);
    END IF;
    EXECUTE format('CREATE TABLE IF NOT EXISTS hookwire_history.%I PARTITION OF event FOR VALUES FROM (%L) TO (%L)',
                   'event_' || s, e_lo, e_hi);
    EXECUTE format('CREATE TABLE IF NOT EXISTS hookwire_history.%I PARTITION OF delivery FOR VALUES FROM (%L) TO (%L)',
                   'delivery_' || s, d_lo, d_hi);
    EXECUTE format('CREATE TABLE hookwire_history.%I PARTITION OF delivery_attempt FOR VALUES FROM (%L) TO (%L)',
                   'delivery_attempt_' || s, d_lo, d_hi);
    IF moving THEN
      INSERT INTO event SELECT * FROM hookwire_moving_event ORDER BY id;
      INSERT INTO idempotency_key SELECT * FROM hookwire_moving_key;
      INSERT INTO delivery SELECT * FROM hookwire_moving_delivery ORDER BY id;
      INSERT INTO delivery_attempt SELECT * FROM hookwire_moving_attempt ORDER BY delivery_id, attempt_number;
      DROP TABLE hookwire_moving_key, hookwire_moving_attempt, hookwire_moving_delivery, hookwire_moving_event, hookwire_gone_delivery, hookwire_gone_attempt;
    END IF;
  EXCEPTION WHEN invalid_object_definition OR check_violation THEN
    -- Everything since BEGIN undone: the rows stay in DEFAULT.
    RETURN false;
  END;
  RETURN true;
END $$;
