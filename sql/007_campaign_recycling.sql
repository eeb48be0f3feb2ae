-- Lead recycling per campaign (VICIdial's attempt delay and attempt maximum): how many more times a busy,
-- unanswered or failed lead is called, and how long after its last call.
ALTER TABLE campaigns
    ADD COLUMN retries INT NOT NULL DEFAULT 1 AFTER active,
    ADD COLUMN retry_delay_seconds INT NOT NULL DEFAULT 300 AFTER retries;
