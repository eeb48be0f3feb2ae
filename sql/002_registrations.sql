-- Location service bindings (RFC 3261 §10), written behind by the edge so they survive a restart.
-- One row per (extension, contact); the observed source is where requests go when the phone is behind NAT.
CREATE TABLE registrations (
    extension VARCHAR(20) NOT NULL,
    contact VARCHAR(1024) CHARACTER SET ascii NOT NULL,
    protocol VARCHAR(3) NOT NULL,
    source_ip VARCHAR(45) CHARACTER SET ascii NOT NULL,
    source_port INT NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    q_millis INT NOT NULL,                              -- q-value x 1000 (RFC 3261 §10.2.1.2), -1 when absent
    call_id VARCHAR(255) NOT NULL,
    cseq BIGINT NOT NULL,
    user_agent VARCHAR(255) NOT NULL,
    registered_at DATETIME(6) NOT NULL,
    PRIMARY KEY (extension, contact),
    KEY ix_registrations_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
