-- Receivers written for other platforms: an endpoint's own signature header, a transformation of
-- the body, a payload filter; each account's own event types; and the transformed request stored
-- once per delivery so every attempt sends the same bytes.

-- AlterEnum: a transformation that fails at delivery time fails its delivery, with nothing sent.
ALTER TYPE "attempt_outcome" ADD VALUE 'TRANSFORM_FAILED';

-- AlterTable
ALTER TABLE "endpoint" ADD COLUMN "signature_header" JSONB,
ADD COLUMN "transformation" TEXT,
ADD COLUMN "filter" JSONB;

-- AlterTable
ALTER TABLE "delivery" ADD COLUMN "body" TEXT,
ADD COLUMN "transformed_headers" JSONB;

-- CreateTable
CREATE TABLE "event_type" (
    "account_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "schema" JSONB NOT NULL,
    "example" JSONB NOT NULL,
    "archived_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_type_pkey" PRIMARY KEY ("account_id","name")
);

-- AddForeignKey
ALTER TABLE "event_type" ADD CONSTRAINT "event_type_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
