-- Answered calls through the edge (dialogs), written behind so that a restarted edge keeps their channels charged,
-- routes their BYEs (the Record-Route token names the id) and still ends them at their timeout.
-- Only confirmed dialogs are stored; a row is deleted when its dialog ends.
CREATE TABLE edge_dialogs (
    id CHAR(16) CHARACTER SET ascii NOT NULL,
    call_id VARCHAR(255) CHARACTER SET ascii NOT NULL,
    caller_tag VARCHAR(128) CHARACTER SET ascii NOT NULL,
    kind VARCHAR(16) CHARACTER SET ascii NOT NULL,      -- trunk or extension
    trunk VARCHAR(64) NULL,
    campaign VARCHAR(64) NULL,
    reserved TINYINT(1) NOT NULL,                       -- the channel came from the campaign's reservation
    number VARCHAR(64) NOT NULL,
    caller_source VARCHAR(80) CHARACTER SET ascii NOT NULL,   -- udp:IP:PORT as observed
    caller_target VARCHAR(80) CHARACTER SET ascii NOT NULL,   -- where requests to the caller go
    legs TEXT CHARACTER SET ascii NOT NULL,             -- confirmed callee legs, one per line: tag TAB source TAB target
    server VARCHAR(80) NOT NULL,
    setup_at DATETIME(6) NOT NULL,
    answered_at DATETIME(6) NULL,
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY ix_edge_dialogs_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The carrier log row of a call is keyed by its dialog: written when the call ends, and already on SIGTERM for calls
-- still up (hangup_side 'shutdown'), then updated if the call ends later on a restarted edge.
ALTER TABLE call_log
    ADD COLUMN dialog_id CHAR(16) CHARACTER SET ascii NULL,
    ADD UNIQUE KEY ux_call_log_dialog (dialog_id);
