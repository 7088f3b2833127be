-- One row per single-instance job (ShedLock, system.SingleInstanceJobs): the instance that moves lock_until into the
-- future runs the job; the others skip that run. Times are UTC by the database's clock (ShedLock's usingDbTime writes
-- timezone('utc', CURRENT_TIMESTAMP)), hence timestamp without time zone, as ShedLock documents for PostgreSQL.
-- Replaces push_leases, the wallet watch's own lease table.
CREATE TABLE shedlock (
    name       varchar(64)  NOT NULL PRIMARY KEY,
    lock_until timestamp    NOT NULL,
    locked_at  timestamp    NOT NULL,
    locked_by  varchar(255) NOT NULL
);

DROP TABLE push_leases;
