-- Dialer processes (issue 7): each campaign's leads and every call attempt placed for them.
-- A lead is one phone number of one campaign: loading the same file again adds nothing, so a rerun resumes.
CREATE TABLE campaign_leads (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    campaign VARCHAR(64) NOT NULL,
    number VARCHAR(32) NOT NULL,
    name VARCHAR(200) NOT NULL DEFAULT '',
    fields TEXT NULL,                                    -- the row's other columns, as JSON
    source_line INT NOT NULL,                            -- line in the lead file it was loaded from
    status VARCHAR(16) NOT NULL,                         -- pending | dialing | done
    outcome VARCHAR(16) NULL,                            -- the last attempt's outcome
    attempts INT NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NULL,                    -- a retry is due then
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY ux_campaign_leads_number (campaign, number),
    KEY ix_campaign_leads_status (campaign, status, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE campaign_attempts (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    campaign VARCHAR(64) NOT NULL,
    lead_id BIGINT NOT NULL,
    number VARCHAR(32) NOT NULL,
    attempt INT NOT NULL,                                -- 1 for the first call to the lead
    outcome VARCHAR(16) NOT NULL,                        -- answered | busy | no_answer | rejected | trunk_full | failed
    sip_code SMALLINT NULL,
    reason VARCHAR(300) NOT NULL,
    call_id VARCHAR(200) NOT NULL,
    started_at DATETIME(6) NOT NULL,                     -- INVITE sent
    answered_at DATETIME(6) NULL,
    ended_at DATETIME(6) NOT NULL,                       -- final answer, or BYE answered
    setup_ms INT NULL,                                   -- INVITE to 200 OK
    talk_ms INT NULL,                                    -- 200 OK to BYE
    KEY ix_campaign_attempts_campaign (campaign, started_at),
    KEY ix_campaign_attempts_lead (lead_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per `dialer campaign run`: pacing, what it wanted vs. what it was allowed, when it ran.
CREATE TABLE campaign_runs (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    campaign VARCHAR(64) NOT NULL,
    started_at DATETIME(6) NOT NULL,
    ended_at DATETIME(6) NULL,
    placed INT NOT NULL DEFAULT 0,
    shortage INT NOT NULL DEFAULT 0,                     -- calls the pacing wanted that the channels did not allow
    stopped_by VARCHAR(32) NULL,                         -- done | interrupted
    KEY ix_campaign_runs_campaign (campaign, started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
