-- CreateTable
CREATE TABLE "endpoint_rate_window" (
    "endpoint_id" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "endpoint_rate_window_pkey" PRIMARY KEY ("endpoint_id")
);

-- CreateTable
CREATE TABLE "worker_heartbeat" (
    "worker_id" TEXT NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "worker_heartbeat_pkey" PRIMARY KEY ("worker_id")
);

-- CreateIndex
CREATE INDEX "worker_heartbeat_last_seen_at_idx" ON "worker_heartbeat"("last_seen_at");

-- AddForeignKey
ALTER TABLE "endpoint_rate_window" ADD CONSTRAINT "endpoint_rate_window_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;
