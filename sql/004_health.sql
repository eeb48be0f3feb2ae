-- Trunk health (issue 6): labeled reports, one per trunk per report interval and at every server state change,
-- and the server state changes themselves. The report's full document is kept as JSON in `body`.
CREATE TABLE health_reports (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    trunk VARCHAR(64) NOT NULL,
    label VARCHAR(16) NOT NULL,                         -- healthy | degraded | down | full | disabled
    reason VARCHAR(1000) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    body MEDIUMTEXT NOT NULL,
    KEY ix_health_reports_trunk_created (trunk, created_at),
    KEY ix_health_reports_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE health_events (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    trunk VARCHAR(64) NOT NULL,
    server VARCHAR(300) NOT NULL,                       -- host:port[;transport=tcp] as configured
    from_state VARCHAR(16) NOT NULL,                    -- unknown | up | lagged | down | disabled
    to_state VARCHAR(16) NOT NULL,
    cause VARCHAR(500) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    KEY ix_health_events_trunk_created (trunk, created_at),
    KEY ix_health_events_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
