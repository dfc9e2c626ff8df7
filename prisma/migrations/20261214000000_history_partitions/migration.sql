-- History in time partitions (issue 16): event, delivery and delivery_attempt become partitioned
-- tables, one partition per UTC week (Monday to Monday, plus a DEFAULT each), so retention drops
-- whole weeks instead of deleting rows. The partitions live in the schema hookwire_history; the
-- parents stay in public.
--
-- Weeks, not days: every read that cannot prune by id (an endpoint's page, its stats since a
-- moment) is planned over every partition, and the planner's time grows with partitions x indexes:
-- measured on this machine with a month of history, a page of an endpoint's deliveries took 34 ms
-- to plan over 35 daily partitions (for ~1 ms to run) against a few ms over 6 weekly ones. A week
-- also bounds the history kept: HOOKWIRE_RETENTION_DAYS to that plus up to 7 days.
--
-- Partition keys are the time-ordered ids (src/db/ids.ts: prefix '_' ULID, Crockford base32
-- lowercase): event by id, delivery by id, delivery_attempt by delivery_id, all three with the same
-- week bounds, so an attempt lives in its delivery's week and a week's three partitions go
-- together. The bound of a moment is the id prefix of its first millisecond (hookwire_history_bound).
--
-- An existing database keeps every row without a copy: each old table is renamed into
-- hookwire_history, gets a validated CHECK matching its bound, and is attached as the partition of
-- every id before next Monday (named after this week's); it is dropped whole once that week is past
-- retention. An empty table (a fresh install) is dropped instead and the weeks start clean.

-- The bounds compare as text in the columns' (the database's) collation: the id alphabet must sort
-- there as its bytes do, and a shorter prefix first, or the weeks would not hold their ids.
DO $$
BEGIN
  IF (SELECT string_agg(c, '' ORDER BY c) FROM unnest(string_to_array('z,y,x,w,v,t,s,r,q,p,n,m,k,j,h,g,f,e,d,c,b,a,9,8,7,6,5,4,3,2,1,0,_', ',')) AS c)
     <> '0123456789_abcdefghjkmnpqrstvwxyz' AND
     (SELECT string_agg(c, '' ORDER BY c) FROM unnest(string_to_array('z,y,x,w,v,t,s,r,q,p,n,m,k,j,h,g,f,e,d,c,b,a,9,8,7,6,5,4,3,2,1,0', ',')) AS c)
     <> '0123456789abcdefghjkmnpqrstvwxyz' THEN
    RAISE EXCEPTION 'the database collation does not sort id characters in byte order; history partitions need it';
  END IF;
  IF NOT ('evt_01' < 'evt_01a' AND 'evt_0z' < 'evt_1' AND 'dlv_0' < 'dlv_00') THEN
    RAISE EXCEPTION 'the database collation does not sort id prefixes first; history partitions need it';
  END IF;
END $$;

CREATE SCHEMA hookwire_history;

-- The id prefix of a moment's millisecond: prefix '_' and the ULID's 10 time characters.
CREATE FUNCTION hookwire_history_bound(prefix text, at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN prefix || '_' || (
    SELECT string_agg(substr('0123456789abcdefghjkmnpqrstvwxyz', ((ms >> (5 * i)) & 31)::int + 1, 1), '' ORDER BY i DESC)
    FROM (SELECT floor(extract(epoch FROM at) * 1000)::bigint AS ms) t, generate_series(0, 9) AS i);

-- The Monday (UTC) that starts the week of a day: the partition's name and lower bound.
CREATE FUNCTION hookwire_history_week(day date) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN date_trunc('week', day::timestamp)::date;

-- Creates the three partitions (UTC) of the week that holds day unless they exist; false when the
-- week overlaps a partition already there (the attached old table) or the DEFAULT partition holds
-- rows of it.
CREATE FUNCTION hookwire_history_create_week(day date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  week date := hookwire_history_week(day);
  s text := to_char(week, 'YYYYMMDD');
  lo timestamptz := week::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (week + 7)::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF to_regclass('hookwire_history.delivery_attempt_' || s) IS NOT NULL THEN RETURN true; END IF;
  -- Every lock the creation needs, first, as the drop does (below): the three parents (and so their
  -- partitions, whose foreign keys to the new partitions are made), and endpoint and account (the
  -- new partitions' foreign keys to them). Taken one by one as each CREATE needs them, a lock would
  -- be waited for while writers wait for this transaction: a deadlock, and a publish its victim
  -- (seen in test/db/partitions.test.ts under load). Here only this statement waits, for the
  -- caller's lock_timeout, and gives way to be retried.
  LOCK TABLE event, delivery, delivery_attempt IN ACCESS EXCLUSIVE MODE;
  LOCK TABLE endpoint, account IN SHARE ROW EXCLUSIVE MODE;
  BEGIN
    EXECUTE format('CREATE TABLE IF NOT EXISTS hookwire_history.%I PARTITION OF event FOR VALUES FROM (%L) TO (%L)',
                   'event_' || s, hookwire_history_bound('evt', lo), hookwire_history_bound('evt', hi));
    EXECUTE format('CREATE TABLE IF NOT EXISTS hookwire_history.%I PARTITION OF delivery FOR VALUES FROM (%L) TO (%L)',
                   'delivery_' || s, hookwire_history_bound('dlv', lo), hookwire_history_bound('dlv', hi));
    EXECUTE format('CREATE TABLE hookwire_history.%I PARTITION OF delivery_attempt FOR VALUES FROM (%L) TO (%L)',
                   'delivery_attempt_' || s, hookwire_history_bound('dlv', lo), hookwire_history_bound('dlv', hi));
  EXCEPTION WHEN invalid_object_definition OR check_violation THEN
    RETURN false;
  END;
  RETURN true;
END $$;

-- Drops the three partitions of the week starting on `week` whole (attempts, deliveries, events:
-- the foreign keys' order), in the caller's one transaction. What must outlive it is moved first: its deliveries still
-- PENDING (a long retry schedule, a paused endpoint) with their attempts and events, and its
-- events that later weeks' deliveries refer to (a publish that straddled midnight) with their
-- idempotency keys. They are copied aside, deleted (a few rows), the partitions detached and
-- dropped, and inserted again: into the DEFAULT partitions, the straddling ones into their own week.
-- The counters (delivery_hour_count, attempt_hour_count) lose exactly what was dropped. Returns
-- the deliveries dropped and the deliveries kept.
CREATE FUNCTION hookwire_history_drop_week(week date, OUT dropped bigint, OUT kept bigint) LANGUAGE plpgsql AS $$
DECLARE
  s text := to_char(week, 'YYYYMMDD');
  hi timestamptz := (week + 7)::timestamp AT TIME ZONE 'UTC';
  e_hi text := hookwire_history_bound('evt', hi);
  d_hi text := hookwire_history_bound('dlv', hi);
  ev regclass := to_regclass('hookwire_history.event_' || s);
  dl regclass := to_regclass('hookwire_history.delivery_' || s);
  att regclass := to_regclass('hookwire_history.delivery_attempt_' || s);
BEGIN
  dropped := 0;
  kept := 0;
  IF ev IS NULL AND dl IS NULL AND att IS NULL THEN RETURN; END IF;
  IF ev IS NULL OR dl IS NULL OR att IS NULL THEN
    RAISE EXCEPTION 'history week % is incomplete (event %, delivery %, attempt %)', s, ev, dl, att;
  END IF;
  -- Every lock the drop needs, first: the three parents, idempotency_key (its foreign key to the
  -- events), and endpoint and account (dropping a partition drops its foreign keys to them, which
  -- takes their ACCESS EXCLUSIVE lock). Taken later, one of them would be waited for while writers
  -- wait for this transaction: a deadlock, and the writer its victim (a publish, a recording). Here
  -- only this statement waits, for the caller's lock_timeout (shorter than deadlock_timeout), and
  -- gives way to be retried; nothing after it waits. Deliveries pause for the rest of the drop.
  LOCK TABLE event, delivery, delivery_attempt, idempotency_key, endpoint, account IN ACCESS EXCLUSIVE MODE;

  CREATE TEMP TABLE hookwire_kept_delivery ON COMMIT DROP AS SELECT * FROM delivery WITH NO DATA;
  EXECUTE format('INSERT INTO hookwire_kept_delivery SELECT * FROM %s WHERE status = ''PENDING''', dl);
  GET DIAGNOSTICS kept = ROW_COUNT;
  INSERT INTO hookwire_kept_delivery
    SELECT * FROM delivery d WHERE d.id >= d_hi AND d.event_id < e_hi;
  CREATE TEMP TABLE hookwire_kept_attempt ON COMMIT DROP AS
    SELECT a.* FROM delivery_attempt a WHERE a.delivery_id IN (SELECT id FROM hookwire_kept_delivery);
  CREATE TEMP TABLE hookwire_kept_event ON COMMIT DROP AS SELECT * FROM event WITH NO DATA;
  EXECUTE format('INSERT INTO hookwire_kept_event SELECT * FROM %s WHERE id IN (SELECT event_id FROM hookwire_kept_delivery)', ev);
  CREATE TEMP TABLE hookwire_kept_key ON COMMIT DROP AS
    SELECT k.* FROM idempotency_key k WHERE k.event_id IN (SELECT id FROM hookwire_kept_event);

  -- The counters lose the dropped week's finished deliveries and every attempt dropped or moved
  -- (the moved ones count again as they are inserted back).
  EXECUTE format($q$
    WITH gone AS (
      SELECT endpoint_id, event_type, hookwire_hour(created_at) AS hour,
             count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded, count(*) FILTER (WHERE status = 'FAILED') AS failed
      FROM %s WHERE status <> 'PENDING' GROUP BY 1, 2, 3
    ), locked AS (
      SELECT c.endpoint_id, c.event_type, c.hour FROM delivery_hour_count c JOIN gone g USING (endpoint_id, event_type, hour)
      ORDER BY 1, 2, 3 FOR UPDATE OF c
    )
    UPDATE delivery_hour_count c SET succeeded = c.succeeded - g.succeeded, failed = c.failed - g.failed
    FROM gone g JOIN locked l USING (endpoint_id, event_type, hour)
    WHERE c.endpoint_id = g.endpoint_id AND c.event_type = g.event_type AND c.hour = g.hour$q$, dl);
  DELETE FROM delivery_hour_count WHERE succeeded = 0 AND failed = 0;
  EXECUTE format($q$
    WITH gone AS (
      SELECT endpoint_id, hour, count(*) AS attempts, count(*) FILTER (WHERE ok) AS succeeded FROM (
        SELECT d.endpoint_id, hookwire_hour(a.started_at) AS hour, a.outcome = 'SUCCESS' AS ok
        FROM %s a JOIN %s d ON d.id = a.delivery_id
        UNION ALL
        SELECT d.endpoint_id, hookwire_hour(a.started_at), a.outcome = 'SUCCESS'
        FROM hookwire_kept_attempt a JOIN hookwire_kept_delivery d ON d.id = a.delivery_id WHERE d.id >= %L
      ) x GROUP BY 1, 2
    ), locked AS (
      SELECT c.endpoint_id, c.hour FROM attempt_hour_count c JOIN gone g USING (endpoint_id, hour) ORDER BY 1, 2 FOR UPDATE OF c
    )
    UPDATE attempt_hour_count c SET attempts = c.attempts - g.attempts, succeeded = c.succeeded - g.succeeded
    FROM gone g JOIN locked l USING (endpoint_id, hour)
    WHERE c.endpoint_id = g.endpoint_id AND c.hour = g.hour$q$, att, dl, d_hi);
  DELETE FROM attempt_hour_count WHERE attempts = 0;

  -- The moved rows out (a few: the kept deliveries' attempts, the straddling deliveries, whose
  -- counters the triggers take off here and put back below), the week detached and dropped.
  DELETE FROM delivery_attempt WHERE delivery_id IN (SELECT id FROM hookwire_kept_delivery WHERE id >= d_hi);
  DELETE FROM delivery WHERE id IN (SELECT id FROM hookwire_kept_delivery WHERE id >= d_hi);
  EXECUTE format('DELETE FROM idempotency_key k USING %s e WHERE k.event_id = e.id', ev);
  EXECUTE format('SELECT count(*) FROM %s', dl) INTO dropped;
  dropped := dropped - kept;
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
  DROP TABLE hookwire_kept_key, hookwire_kept_attempt, hookwire_kept_event, hookwire_kept_delivery;
END $$;

-- The tables as they are, into hookwire_history (their indexes, constraints and rows go with them).
ALTER TABLE delivery_attempt DROP CONSTRAINT delivery_attempt_delivery_id_fkey;
ALTER TABLE delivery DROP CONSTRAINT delivery_event_id_fkey;
ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_event_id_fkey;
DROP TRIGGER attempt_count_insert ON delivery_attempt;
DROP TRIGGER delivery_count_insert ON delivery;
DROP TRIGGER delivery_count_update ON delivery;
DROP TRIGGER delivery_count_delete ON delivery;
-- Indexes no read uses: events by creation served the old DELETE purge only.
DROP INDEX event_created_at_idx;
ALTER TABLE event RENAME TO event_old;
ALTER TABLE delivery RENAME TO delivery_old;
ALTER TABLE delivery_attempt RENAME TO delivery_attempt_old;
ALTER TABLE event_old SET SCHEMA hookwire_history;
ALTER TABLE delivery_old SET SCHEMA hookwire_history;
ALTER TABLE delivery_attempt_old SET SCHEMA hookwire_history;

CREATE TABLE event (LIKE hookwire_history.event_old INCLUDING DEFAULTS) PARTITION BY RANGE (id);
CREATE TABLE delivery (LIKE hookwire_history.delivery_old INCLUDING DEFAULTS) PARTITION BY RANGE (id);
CREATE TABLE delivery_attempt (LIKE hookwire_history.delivery_attempt_old INCLUDING DEFAULTS) PARTITION BY RANGE (delivery_id);

-- The old rows: one partition each, of every id before next Monday (UTC), named after this week's;
-- an empty old table goes instead.
DO $$
DECLARE
  week date := hookwire_history_week((now() AT TIME ZONE 'UTC')::date);
  s text := to_char(week, 'YYYYMMDD');
  hi timestamptz := (week + 7)::timestamp AT TIME ZONE 'UTC';
  e_hi text := hookwire_history_bound('evt', hi);
  d_hi text := hookwire_history_bound('dlv', hi);
BEGIN
  IF NOT EXISTS (SELECT FROM hookwire_history.event_old) AND NOT EXISTS (SELECT FROM hookwire_history.delivery_old)
     AND NOT EXISTS (SELECT FROM hookwire_history.delivery_attempt_old) THEN
    DROP TABLE hookwire_history.delivery_attempt_old, hookwire_history.delivery_old, hookwire_history.event_old;
    RETURN;
  END IF;
  -- A validated CHECK that implies the partition's bound: ATTACH then scans nothing more.
  EXECUTE format('ALTER TABLE hookwire_history.event_old ADD CONSTRAINT event_old_bound CHECK (id IS NOT NULL AND id < %L)', e_hi);
  EXECUTE format('ALTER TABLE hookwire_history.delivery_old ADD CONSTRAINT delivery_old_bound CHECK (id IS NOT NULL AND id < %L)', d_hi);
  EXECUTE format('ALTER TABLE hookwire_history.delivery_attempt_old ADD CONSTRAINT delivery_attempt_old_bound CHECK (delivery_id IS NOT NULL AND delivery_id < %L)', d_hi);
  EXECUTE format('ALTER TABLE event ATTACH PARTITION hookwire_history.event_old FOR VALUES FROM (MINVALUE) TO (%L)', e_hi);
  EXECUTE format('ALTER TABLE delivery ATTACH PARTITION hookwire_history.delivery_old FOR VALUES FROM (MINVALUE) TO (%L)', d_hi);
  EXECUTE format('ALTER TABLE delivery_attempt ATTACH PARTITION hookwire_history.delivery_attempt_old FOR VALUES FROM (MINVALUE) TO (%L)', d_hi);
  ALTER TABLE hookwire_history.event_old DROP CONSTRAINT event_old_bound;
  ALTER TABLE hookwire_history.delivery_old DROP CONSTRAINT delivery_old_bound;
  ALTER TABLE hookwire_history.delivery_attempt_old DROP CONSTRAINT delivery_attempt_old_bound;
  -- The attempts' key must hold the partition key: (delivery_id, attempt_number), unique already,
  -- replaces (id) and is built again as the key (the id keeps a hash index of its own).
  ALTER TABLE hookwire_history.delivery_attempt_old DROP CONSTRAINT delivery_attempt_pkey;
  DROP INDEX hookwire_history.delivery_attempt_delivery_id_attempt_number_key;
  EXECUTE format('ALTER TABLE hookwire_history.event_old RENAME TO %I', 'event_' || s);
  EXECUTE format('ALTER TABLE hookwire_history.delivery_old RENAME TO %I', 'delivery_' || s);
  EXECUTE format('ALTER TABLE hookwire_history.delivery_attempt_old RENAME TO %I', 'delivery_attempt_' || s);
END $$;

CREATE TABLE hookwire_history.event_default PARTITION OF event DEFAULT;
CREATE TABLE hookwire_history.delivery_default PARTITION OF delivery DEFAULT;
CREATE TABLE hookwire_history.delivery_attempt_default PARTITION OF delivery_attempt DEFAULT;

-- Keys, indexes and foreign keys on the parents (an old partition's matching index is adopted,
-- not built again).
ALTER TABLE event ADD CONSTRAINT event_pkey PRIMARY KEY (id);
CREATE INDEX event_account_id_id_idx ON event (account_id, id);
CREATE INDEX event_account_id_type_id_idx ON event (account_id, type, id);
CREATE INDEX event_account_id_session_id_id_idx ON event (account_id, session_id, id);
ALTER TABLE event ADD CONSTRAINT event_account_id_fkey FOREIGN KEY (account_id) REFERENCES account(id) ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE delivery ADD CONSTRAINT delivery_pkey PRIMARY KEY (id);
CREATE INDEX delivery_endpoint_id_id_idx ON delivery (endpoint_id, id);
CREATE INDEX delivery_endpoint_id_status_id_idx ON delivery (endpoint_id, status, id);
CREATE INDEX delivery_claim_idx ON delivery (endpoint_id, next_attempt_at, id) WHERE (status = 'PENDING'::delivery_status);
CREATE INDEX delivery_endpoint_id_event_type_id_idx ON delivery (endpoint_id, event_type, id);
CREATE INDEX delivery_account_id_id_idx ON delivery (account_id, id);
CREATE INDEX delivery_account_id_status_id_idx ON delivery (account_id, status, id);
CREATE INDEX delivery_event_id_idx ON delivery (event_id);
CREATE INDEX delivery_created_at_idx ON delivery USING BRIN (created_at);
CREATE INDEX delivery_failed_idx ON delivery (endpoint_id, created_at) WHERE (status = 'FAILED'::delivery_status);
ALTER TABLE delivery ADD CONSTRAINT delivery_account_id_fkey FOREIGN KEY (account_id) REFERENCES account(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE delivery ADD CONSTRAINT delivery_endpoint_id_fkey FOREIGN KEY (endpoint_id) REFERENCES endpoint(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE delivery ADD CONSTRAINT delivery_event_id_fkey FOREIGN KEY (event_id) REFERENCES event(id) ON DELETE CASCADE ON UPDATE CASCADE;

-- The key holds the partition key: a delivery's attempts by number (what was a unique index beside
-- the id's key). An attempt's id (a ULID, unique by construction) is no key any more: one index
-- fewer per attempt. An attempt found by its id alone (node(id:)): a hash of the id, half a b-tree's size.
ALTER TABLE delivery_attempt ADD CONSTRAINT delivery_attempt_pkey PRIMARY KEY (delivery_id, attempt_number);
CREATE INDEX delivery_attempt_id_idx ON delivery_attempt USING HASH (id);
ALTER TABLE delivery_attempt ADD CONSTRAINT delivery_attempt_delivery_id_fkey FOREIGN KEY (delivery_id) REFERENCES delivery(id) ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE idempotency_key ADD CONSTRAINT idempotency_key_event_id_fkey FOREIGN KEY (event_id) REFERENCES event(id) ON DELETE CASCADE ON UPDATE CASCADE;

-- The counters' triggers, on the parents: they see every partition's rows.
CREATE TRIGGER delivery_count_insert AFTER INSERT ON "delivery"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hookwire_count_deliveries();
CREATE TRIGGER delivery_count_update AFTER UPDATE ON "delivery"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hookwire_count_deliveries();
CREATE TRIGGER delivery_count_delete AFTER DELETE ON "delivery"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION hookwire_count_deliveries();
CREATE TRIGGER attempt_count_insert AFTER INSERT ON "delivery_attempt"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hookwire_count_attempts();

-- This week (when no old rows took it) and the next; the worker's maintenance keeps ahead.
SELECT hookwire_history_create_week(((now() AT TIME ZONE 'UTC')::date + 7 * i)) FROM generate_series(0, 1) AS i;
