-- The weekly drop at full speed (issue 16): the counters' subtraction is summed BEFORE the drop
-- takes its locks, so delivery pauses only for work that does not grow with the week.
--
-- Measured on this machine (a week of 35,000 deliveries, 43,000 attempts): of the drop's 870 ms
-- under ACCESS EXCLUSIVE on event, delivery and delivery_attempt, 730 ms went to summing the week's
-- rows for delivery_hour_count and attempt_hour_count; the rest to the DETACHes' foreign key checks
-- (Postgres's own, ~25 ms: an index-only merge of the week's keys), a count and the counters' scans.
--
-- A drop now goes in three transactions (src/worker/retention.ts dropWeek):
--   1. hookwire_history_arm_week: row triggers on the week's delivery and attempt partitions (and
--      only there: the hot weeks have none) write every change to its rows' counted contribution
--      into hookwire_history.week_delivery_sum / week_attempt_sum, as signed deltas. Creating them
--      takes SHARE ROW EXCLUSIVE on those two partitions only (writers of a week past retention are
--      rare: a recovery, a late attempt), briefly, under the caller's lock_timeout.
--   2. hookwire_history_prepare_drop: in one statement per counter, the sums of the week's rows as
--      they are in the statement's snapshot replace the deltas that snapshot saw. From then on the
--      table holds the sums as of that snapshot plus every change committed after it: the sums of
--      the week's rows as they are, at any later moment. No table lock but ACCESS SHARE.
--   3. hookwire_history_drop_week (replaced here): under the locks, the counters lose the table's
--      totals (a row per hour and endpoint, a few thousand), not a scan of the week's rows.
-- A finished row that changes between 2 and 3 (a failed delivery recovered to PENDING, a late
-- attempt recorded on a finished delivery, a deletion) is in the deltas; a pending one that
-- finishes, too. Called without 1 and 2 (an old caller), the drop sums the rows under the locks
-- as before.

CREATE TABLE hookwire_history.week_delivery_sum (
  week date NOT NULL,
  endpoint_id text NOT NULL,
  event_type text NOT NULL,
  hour timestamp(3) with time zone NOT NULL,
  succeeded bigint NOT NULL,
  failed bigint NOT NULL
);
CREATE INDEX week_delivery_sum_week_idx ON hookwire_history.week_delivery_sum (week);

CREATE TABLE hookwire_history.week_attempt_sum (
  week date NOT NULL,
  endpoint_id text NOT NULL,
  hour timestamp(3) with time zone NOT NULL,
  attempts bigint NOT NULL,
  succeeded bigint NOT NULL
);
CREATE INDEX week_attempt_sum_week_idx ON hookwire_history.week_attempt_sum (week);

-- The weeks whose sums were prepared (while their triggers were armed).
CREATE TABLE hookwire_history.week_prepared (
  week date PRIMARY KEY,
  prepared_at timestamptz NOT NULL DEFAULT now()
);

-- A delivery's counted contribution (delivery_hour_count's, hookwire_count_deliveries) changing on
-- an armed week's partition: the old one out, the new one in. TG_ARGV[0] is the week.
CREATE FUNCTION hookwire_history_log_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'PENDING' THEN
    INSERT INTO hookwire_history.week_delivery_sum (week, endpoint_id, event_type, hour, succeeded, failed)
    VALUES (TG_ARGV[0]::date, OLD.endpoint_id, OLD.event_type, hookwire_hour(OLD.created_at),
            -(OLD.status = 'SUCCEEDED')::int, -(OLD.status = 'FAILED')::int);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status <> 'PENDING' THEN
    INSERT INTO hookwire_history.week_delivery_sum (week, endpoint_id, event_type, hour, succeeded, failed)
    VALUES (TG_ARGV[0]::date, NEW.endpoint_id, NEW.event_type, hookwire_hour(NEW.created_at),
            (NEW.status = 'SUCCEEDED')::int, (NEW.status = 'FAILED')::int);
  END IF;
  RETURN NULL;
END $$;

-- An attempt added to an armed week's partition (attempt_hour_count's, hookwire_count_attempts:
-- its delivery's endpoint, its start's hour). Attempts are never updated; a deleted one is not
-- taken off the counters (hookwire_count_attempts counts inserts only), so the drop still takes
-- it off: no delta.
CREATE FUNCTION hookwire_history_log_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO hookwire_history.week_attempt_sum (week, endpoint_id, hour, attempts, succeeded)
  SELECT TG_ARGV[0]::date, d.endpoint_id, hookwire_hour(NEW.started_at), 1, (NEW.outcome = 'SUCCESS')::int
  FROM delivery d WHERE d.id = NEW.delivery_id;
  RETURN NULL;
END $$;

CREATE FUNCTION hookwire_history_week_armed(week date) RETURNS boolean LANGUAGE sql STABLE
  RETURN (SELECT count(*) = 3 FROM pg_trigger t
          WHERE (t.tgrelid = to_regclass('hookwire_history.delivery_' || to_char(week, 'YYYYMMDD'))
                 AND t.tgname IN ('hookwire_history_log_change', 'hookwire_history_log_insert_delete'))
             OR (t.tgrelid = to_regclass('hookwire_history.delivery_attempt_' || to_char(week, 'YYYYMMDD'))
                 AND t.tgname = 'hookwire_history_log_insert'));

-- Step 1, in its own transaction: the week's partitions log their changes. False when the week
-- has no partitions. Idempotent.
CREATE FUNCTION hookwire_history_arm_week(week date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  s text := to_char(week, 'YYYYMMDD');
  dl regclass := to_regclass('hookwire_history.delivery_' || s);
  att regclass := to_regclass('hookwire_history.delivery_attempt_' || s);
BEGIN
  IF dl IS NULL OR att IS NULL THEN RETURN false; END IF;
  IF hookwire_history_week_armed(week) THEN RETURN true; END IF;
  -- Both partitions' locks first, in one statement (only it waits, for the caller's lock_timeout).
  EXECUTE format('LOCK TABLE %s, %s IN SHARE ROW EXCLUSIVE MODE', dl, att);
  EXECUTE format($q$CREATE OR REPLACE TRIGGER hookwire_history_log_change AFTER UPDATE ON %s FOR EACH ROW
                    WHEN ((OLD.status, OLD.endpoint_id, OLD.event_type, OLD.created_at) IS DISTINCT FROM (NEW.status, NEW.endpoint_id, NEW.event_type, NEW.created_at))
                    EXECUTE FUNCTION hookwire_history_log_delivery(%L)$q$, dl, week);
  EXECUTE format('CREATE OR REPLACE TRIGGER hookwire_history_log_insert_delete AFTER INSERT OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION hookwire_history_log_delivery(%L)', dl, week);
  EXECUTE format('CREATE OR REPLACE TRIGGER hookwire_history_log_insert AFTER INSERT ON %s FOR EACH ROW EXECUTE FUNCTION hookwire_history_log_attempt(%L)', att, week);
  RETURN true;
END $$;

-- Step 2, in its own transaction, after step 1 committed: the week's sums, as of each statement's
-- snapshot, replace the deltas that snapshot sees (the ones it does not see stay: changes the sums
-- do not hold). Prepares serialize on an advisory lock of the week. False when the week has no
-- partitions.
CREATE FUNCTION hookwire_history_prepare_drop(week date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  s text := to_char(week, 'YYYYMMDD');
  dl regclass := to_regclass('hookwire_history.delivery_' || s);
  att regclass := to_regclass('hookwire_history.delivery_attempt_' || s);
BEGIN
  IF dl IS NULL OR att IS NULL THEN RETURN false; END IF;
  PERFORM pg_advisory_xact_lock(hashtext('hookwire_history_drop'), hashtext(week::text));
  IF NOT hookwire_history_week_armed(week) THEN
    RAISE EXCEPTION 'history week % is not armed (hookwire_history_arm_week first, in its own transaction)', week;
  END IF;
  EXECUTE format($q$
    WITH seen AS (DELETE FROM hookwire_history.week_delivery_sum WHERE week = $1)
    INSERT INTO hookwire_history.week_delivery_sum (week, endpoint_id, event_type, hour, succeeded, failed)
    SELECT $1, endpoint_id, event_type, hookwire_hour(created_at),
           count(*) FILTER (WHERE status = 'SUCCEEDED'), count(*) FILTER (WHERE status = 'FAILED')
    FROM %s WHERE status <> 'PENDING' GROUP BY 2, 3, 4$q$, dl) USING week;
  EXECUTE format($q$
    WITH seen AS (DELETE FROM hookwire_history.week_attempt_sum WHERE week = $1)
    INSERT INTO hookwire_history.week_attempt_sum (week, endpoint_id, hour, attempts, succeeded)
    SELECT $1, d.endpoint_id, hookwire_hour(a.started_at), count(*), count(*) FILTER (WHERE a.outcome = 'SUCCESS')
    FROM %s a JOIN delivery d ON d.id = a.delivery_id GROUP BY 2, 3$q$, att) USING week;
  INSERT INTO hookwire_history.week_prepared (week) VALUES (week)
    ON CONFLICT ON CONSTRAINT week_prepared_pkey DO UPDATE SET prepared_at = excluded.prepared_at;
  RETURN true;
END $$;

-- Takes what the drop's temp tables hookwire_gone_delivery and hookwire_gone_attempt hold off the
-- counters, in the caller's transaction: the counters' rows locked in key order (as the triggers
-- lock them), lowered, and the ones left at zero deleted.
CREATE FUNCTION hookwire_history_lower_counters() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH locked AS (
    SELECT c.endpoint_id, c.event_type, c.hour FROM delivery_hour_count c JOIN hookwire_gone_delivery g USING (endpoint_id, event_type, hour)
    WHERE g.succeeded <> 0 OR g.failed <> 0
    ORDER BY 1, 2, 3 FOR UPDATE OF c
  )
  UPDATE delivery_hour_count c SET succeeded = c.succeeded - g.succeeded, failed = c.failed - g.failed
  FROM hookwire_gone_delivery g JOIN locked l USING (endpoint_id, event_type, hour)
  WHERE c.endpoint_id = g.endpoint_id AND c.event_type = g.event_type AND c.hour = g.hour;
  DELETE FROM delivery_hour_count c USING hookwire_gone_delivery g
  WHERE c.endpoint_id = g.endpoint_id AND c.event_type = g.event_type AND c.hour = g.hour AND c.succeeded = 0 AND c.failed = 0;
  WITH locked AS (
    SELECT c.endpoint_id, c.hour FROM attempt_hour_count c JOIN hookwire_gone_attempt g USING (endpoint_id, hour)
    WHERE g.attempts <> 0 OR g.succeeded <> 0
    ORDER BY 1, 2 FOR UPDATE OF c
  )
  UPDATE attempt_hour_count c SET attempts = c.attempts - g.attempts, succeeded = c.succeeded - g.succeeded
  FROM hookwire_gone_attempt g JOIN locked l USING (endpoint_id, hour)
  WHERE c.endpoint_id = g.endpoint_id AND c.hour = g.hour;
  DELETE FROM attempt_hour_count c USING hookwire_gone_attempt g
  WHERE c.endpoint_id = g.endpoint_id AND c.hour = g.hour AND c.attempts = 0;
END $$;

-- Step 3 (replacing 20261214000000_history_partitions' drop): drops the three partitions of the
-- week starting on `week` whole (attempts, deliveries, events: the foreign keys' order), in the
-- caller's one transaction. What must outlive it is moved first: its deliveries still PENDING (a
-- long retry schedule, a paused endpoint) with their attempts and events, and its events that later
-- weeks' deliveries refer to (a publish that straddled midnight) with their idempotency keys. They
-- are copied aside, deleted (a few rows), the partitions detached and dropped, and inserted again:
-- into the DEFAULT partitions, the straddling ones into their own week. The counters
-- (delivery_hour_count, attempt_hour_count) lose exactly what was dropped: the prepared sums and
-- their deltas (steps 1 and 2) when the week has them, mostly before the locks; else sums of its
-- rows made under the locks, as before. Returns the deliveries dropped and the deliveries kept.
CREATE OR REPLACE FUNCTION hookwire_history_drop_week(week date, OUT dropped bigint, OUT kept bigint) LANGUAGE plpgsql AS $$
DECLARE
  s text := to_char(week, 'YYYYMMDD');
  hi timestamptz := (week + 7)::timestamp AT TIME ZONE 'UTC';
  e_hi text := hookwire_history_bound('evt', hi);
  d_hi text := hookwire_history_bound('dlv', hi);
  e_lo text;
  ev regclass := to_regclass('hookwire_history.event_' || s);
  dl regclass := to_regclass('hookwire_history.delivery_' || s);
  att regclass := to_regclass('hookwire_history.delivery_attempt_' || s);
  prepared boolean;
  attempt int;
  kept_ids text[];
  moved_ids text[];
BEGIN
  dropped := 0;
  kept := 0;
  IF ev IS NULL AND dl IS NULL AND att IS NULL THEN RETURN; END IF;
  IF ev IS NULL OR dl IS NULL OR att IS NULL THEN
    RAISE EXCEPTION 'history week % is incomplete (event %, delivery %, attempt %)', s, ev, dl, att;
  END IF;
  -- A prepare of this week waits for the drop, or the drop for it.
  PERFORM pg_advisory_xact_lock(hashtext('hookwire_history_drop'), hashtext(week::text));
  prepared := hookwire_history_week_armed(week) AND EXISTS (SELECT FROM hookwire_history.week_prepared p WHERE p.week = hookwire_history_drop_week.week);
  -- What the counters lose: the dropped week's finished deliveries, and every attempt dropped or
  -- moved (the moved ones count again as they are inserted back).
  CREATE TEMP TABLE hookwire_gone_delivery (endpoint_id text, event_type text, hour timestamptz, succeeded bigint, failed bigint) ON COMMIT DROP;
  CREATE TEMP TABLE hookwire_gone_attempt (endpoint_id text, hour timestamptz, attempts bigint, succeeded bigint) ON COMMIT DROP;
  IF prepared THEN
    -- Before the locks, in this transaction (no one sees the counters lowered before the rows
    -- go): the prepared sums and the deltas committed since, taken out of the sums' tables as
    -- this statement sees them, come off the counters. Only the counters' rows of the week's
    -- hours are locked meanwhile: a writer of the week's rows that must wait for one holds what
    -- the LOCK below waits for, and the drop gives way (lock_timeout) to be tried again.
    WITH taken AS (DELETE FROM hookwire_history.week_delivery_sum w WHERE w.week = hookwire_history_drop_week.week RETURNING w.*)
    INSERT INTO hookwire_gone_delivery SELECT t.endpoint_id, t.event_type, t.hour, sum(t.succeeded), sum(t.failed) FROM taken t GROUP BY 1, 2, 3;
    WITH taken AS (DELETE FROM hookwire_history.week_attempt_sum w WHERE w.week = hookwire_history_drop_week.week RETURNING w.*)
    INSERT INTO hookwire_gone_attempt SELECT t.endpoint_id, t.hour, sum(t.attempts), sum(t.succeeded) FROM taken t GROUP BY 1, 2;
    PERFORM hookwire_history_lower_counters();
    SELECT COALESCE(sum(g.succeeded + g.failed), 0) INTO dropped FROM hookwire_gone_delivery g;
    TRUNCATE hookwire_gone_delivery, hookwire_gone_attempt;
  END IF;
  -- Every lock the drop needs, first: the three parents, idempotency_key (its foreign key to the
  -- events), and endpoint and account (dropping a partition drops its foreign keys to them, which
  -- takes their ACCESS EXCLUSIVE lock). Taken later, one of them would be waited for while writers
  -- wait for this transaction: a deadlock, and the writer its victim (a publish, a recording). Here
  -- only this statement waits, for the caller's lock_timeout (shorter than deadlock_timeout), and
  -- gives way; nothing after it waits. Given way, it is tried again here, a few times, after a
  -- pause that lets the writers through (the counters' work above kept: rolled back to the
  -- attempt's savepoint only), and then the whole drop gives way to be retried by the caller.
  -- Deliveries pause for the rest of the drop: prepared, nothing below reads the week's rows but
  -- through an index of a few of them (the pending ones, the straddling ones), and the foreign
  -- keys' checks of the DETACHes.
  FOR attempt IN 1..10 LOOP
    BEGIN
      LOCK TABLE event, delivery, delivery_attempt, idempotency_key, endpoint, account IN ACCESS EXCLUSIVE MODE;
      EXIT;
    EXCEPTION WHEN lock_not_available THEN
      IF attempt = 10 THEN RAISE; END IF;
      PERFORM pg_sleep(0.05 * attempt);
    END;
  END LOOP;
  -- The old tables' partition (migration 20261214000000) holds every id before its week's end.
  e_lo := CASE WHEN pg_get_expr((SELECT c.relpartbound FROM pg_class c WHERE c.oid = ev), ev) LIKE '%MINVALUE%' THEN ''
               ELSE hookwire_history_bound('evt', week::timestamp AT TIME ZONE 'UTC') END;

  CREATE TEMP TABLE hookwire_kept_delivery ON COMMIT DROP AS SELECT * FROM delivery WITH NO DATA;
  -- The pending ones: delivery_claim_idx holds them (and only them).
  EXECUTE format('INSERT INTO hookwire_kept_delivery SELECT * FROM %s WHERE status = ''PENDING''', dl);
  GET DIAGNOSTICS kept = ROW_COUNT;
  INSERT INTO hookwire_kept_delivery
    SELECT * FROM delivery d WHERE d.id >= d_hi AND d.event_id < e_hi AND d.event_id >= e_lo;
  -- Ids as arrays from here: every statement finds its rows by index in each partition (a join
  -- with a temp table, which has no statistics, may be planned as scans of every week).
  kept_ids := ARRAY(SELECT id FROM hookwire_kept_delivery);
  moved_ids := ARRAY(SELECT id FROM hookwire_kept_delivery WHERE id >= d_hi);
  CREATE TEMP TABLE hookwire_kept_attempt ON COMMIT DROP AS
    SELECT a.* FROM delivery_attempt a WHERE a.delivery_id = ANY(kept_ids);
  CREATE TEMP TABLE hookwire_kept_event ON COMMIT DROP AS SELECT * FROM event WITH NO DATA;
  EXECUTE format('INSERT INTO hookwire_kept_event SELECT * FROM %s WHERE id = ANY($1)', ev) USING ARRAY(SELECT DISTINCT event_id FROM hookwire_kept_delivery);
  CREATE TEMP TABLE hookwire_kept_key ON COMMIT DROP AS
    SELECT k.* FROM idempotency_key k WHERE k.event_id = ANY(ARRAY(SELECT id FROM hookwire_kept_event));

  IF prepared THEN
    -- The deltas committed since the statements above (a few, if any), and the straddling
    -- deliveries' attempts (deleted below, counted again as they go back).
    INSERT INTO hookwire_gone_delivery
      SELECT w.endpoint_id, w.event_type, w.hour, sum(w.succeeded), sum(w.failed)
      FROM hookwire_history.week_delivery_sum w WHERE w.week = hookwire_history_drop_week.week GROUP BY 1, 2, 3;
    INSERT INTO hookwire_gone_attempt
      SELECT x.endpoint_id, x.hour, sum(x.attempts), sum(x.succeeded) FROM (
        SELECT w.endpoint_id, w.hour, w.attempts, w.succeeded
        FROM hookwire_history.week_attempt_sum w WHERE w.week = hookwire_history_drop_week.week
        UNION ALL
        SELECT d.endpoint_id, hookwire_hour(a.started_at), 1, (a.outcome = 'SUCCESS')::int
        FROM hookwire_kept_attempt a JOIN hookwire_kept_delivery d ON d.id = a.delivery_id WHERE d.id >= d_hi
      ) x GROUP BY 1, 2;
  ELSE
    EXECUTE format($q$
      INSERT INTO hookwire_gone_delivery
      SELECT endpoint_id, event_type, hookwire_hour(created_at),
             count(*) FILTER (WHERE status = 'SUCCEEDED'), count(*) FILTER (WHERE status = 'FAILED')
      FROM %s WHERE status <> 'PENDING' GROUP BY 1, 2, 3$q$, dl);
    EXECUTE format($q$
      INSERT INTO hookwire_gone_attempt
      SELECT endpoint_id, hour, count(*), count(*) FILTER (WHERE ok) FROM (
        SELECT d.endpoint_id, hookwire_hour(a.started_at) AS hour, a.outcome = 'SUCCESS' AS ok
        FROM %s a JOIN %s d ON d.id = a.delivery_id
        UNION ALL
        SELECT d.endpoint_id, hookwire_hour(a.started_at), a.outcome = 'SUCCESS'
        FROM hookwire_kept_attempt a JOIN hookwire_kept_delivery d ON d.id = a.delivery_id WHERE d.id >= %L
      ) x GROUP BY 1, 2$q$, att, dl, d_hi);
  END IF;
  dropped := dropped + (SELECT COALESCE(sum(g.succeeded + g.failed), 0) FROM hookwire_gone_delivery g);
  PERFORM hookwire_history_lower_counters();

  -- The moved rows out (a few: the kept deliveries' attempts, the straddling deliveries, whose
  -- counters the triggers take off here and put back below), the week detached and dropped. The
  -- week's idempotency keys by their index: the range of the week's event ids (only its events
  -- hold ids there).
  DELETE FROM delivery_attempt WHERE delivery_id = ANY(moved_ids);
  DELETE FROM delivery WHERE id = ANY(moved_ids);
  DELETE FROM idempotency_key k WHERE k.event_id >= e_lo AND k.event_id < e_hi;
  EXECUTE format('ALTER TABLE delivery_attempt DETACH PARTITION %s', att);
  EXECUTE format('DROP TABLE %s', att);
  EXECUTE format('ALTER TABLE delivery DETACH PARTITION %s', dl);
  EXECUTE format('DROP TABLE %s', dl);
  EXECUTE format('ALTER TABLE event DETACH PARTITION %s', ev);
  EXECUTE format('DROP TABLE %s', ev);

  INSERT INTO event SELECT * FROM hookwire_kept_event;
  INSERT INTO idempotency_key SELECT * FROM hookwire_kept_key;
  INSERT INTO delivery SELECT * FROM hookwire_kept_delivery ORDER BY id;
  INSERT INTO delivery_attempt SELECT * FROM hookwire_kept_attempt ORDER BY delivery_id, id;
  DELETE FROM hookwire_history.week_delivery_sum w WHERE w.week = hookwire_history_drop_week.week;
  DELETE FROM hookwire_history.week_attempt_sum w WHERE w.week = hookwire_history_drop_week.week;
  DELETE FROM hookwire_history.week_prepared p WHERE p.week = hookwire_history_drop_week.week;
  DROP TABLE hookwire_kept_key, hookwire_kept_attempt, hookwire_kept_event, hookwire_kept_delivery, hookwire_gone_delivery, hookwire_gone_attempt;
END $$;
