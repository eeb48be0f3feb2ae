-- Several edge nodes on one database (issue 16). Each node (Dialer:Cluster:NodeId) heartbeats in edge_nodes and holds,
-- per trunk and pool, a grant of channels in channel_leases: pool '' is the trunk's unreserved channels, a campaign's
-- name its reserved ones. Grants are changed only after bumping the trunk's row in lease_heads, in the same
-- transaction: InnoDB serialises two nodes on that row, and Galera's certification refuses the second of two
-- concurrent grants (error 1213, retried), so the grants of all nodes never add up to more than the cap.
CREATE TABLE edge_nodes (
    node VARCHAR(64) NOT NULL,
    started_at DATETIME(6) NOT NULL,
    heartbeat_at DATETIME(6) NOT NULL,
    PRIMARY KEY (node)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE lease_heads (
    trunk VARCHAR(64) NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (trunk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE channel_leases (
    trunk VARCHAR(64) NOT NULL,
    pool VARCHAR(64) NOT NULL,                          -- '' = unreserved channels, else the campaign holding reserved ones
    node VARCHAR(64) NOT NULL,
    granted INT NOT NULL,                               -- channels this node may use; it never admits past them
    in_use INT NOT NULL,                                -- channels it had in use at its last heartbeat (for the operator)
    PRIMARY KEY (trunk, pool, node)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Shared location: every node reads the bindings changed since its last look (a removed binding stays as a row that
-- has expired, for a minute, so the other nodes see it go).
ALTER TABLE registrations
    ADD COLUMN updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    ADD KEY ix_registrations_updated (updated_at);

-- A node restores only its own dialogs at start.
ALTER TABLE edge_dialogs
    ADD COLUMN node VARCHAR(64) NOT NULL DEFAULT '',
    ADD KEY ix_edge_dialogs_node (node);
