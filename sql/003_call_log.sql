-- One row per trunk call the edge carried or tried (issue 5 carrier log), written behind when the channel is released.
CREATE TABLE call_log (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    call_id VARCHAR(255) NOT NULL,
    trunk VARCHAR(64) NOT NULL,
    server VARCHAR(300) NOT NULL,                       -- host:port of the server that carried (or last refused) the call
    campaign VARCHAR(64) NULL,
    number VARCHAR(64) NOT NULL,                        -- as dialled, before the trunk's prefix strip and transformation
    final_code INT NOT NULL,                            -- 0 when the call ended before any final response
    final_reason VARCHAR(255) NOT NULL,
    setup_at DATETIME(6) NOT NULL,
    answered_at DATETIME(6) NULL,
    ended_at DATETIME(6) NOT NULL,
    hangup_side VARCHAR(8) NOT NULL,                    -- dialer | carrier | timeout | cancel | failed
    KEY ix_call_log_trunk_setup (trunk, setup_at),
    KEY ix_call_log_campaign_setup (campaign, setup_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
