-- Broker destinations (issue 19): an endpoint delivers by HTTP POST (the default, as before) or
-- into RabbitMQ, NATS JetStream or a Redis stream. For a broker kind, "url" holds the broker URL
-- with its password masked (what is shown, logged and stored in clear) and "broker_url" the whole
-- URL sealed (db/sealer.ts), opened only by the worker that connects.
CREATE TYPE "destination_kind" AS ENUM ('HTTP', 'RABBITMQ', 'NATS', 'REDIS_STREAM');

ALTER TABLE "endpoint"
  ADD COLUMN "destination_kind" "destination_kind" NOT NULL DEFAULT 'HTTP',
  ADD COLUMN "broker_url" TEXT,
  ADD COLUMN "exchange" TEXT,
  ADD COLUMN "routing_key" TEXT,
  ADD COLUMN "subject" TEXT,
  ADD COLUMN "stream" TEXT,
  ADD CONSTRAINT "endpoint_broker_url_of_broker_kinds" CHECK (("destination_kind" = 'HTTP') = ("broker_url" IS NULL));
