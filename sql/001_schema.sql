-- Peer repository: phones, trunks with servers and ACL, campaigns with allocations, audit log, API tokens.
-- Names are case-insensitive (utf8mb4_unicode_ci) so "Carrier-A" and "carrier-a" cannot both exist.

-- One row: the repository version, raised by every change so the SIP edge can hot-reload its snapshot.
CREATE TABLE peers_version (
    id TINYINT NOT NULL PRIMARY KEY,
    version BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO peers_version (id, version) VALUES (1, 0);

CREATE TABLE phones (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    extension VARCHAR(20) NOT NULL,
    display_name VARCHAR(128) NOT NULL,
    auth_username VARCHAR(64) NOT NULL,
    realm VARCHAR(128) NOT NULL,
    ha1_md5 CHAR(32) CHARACTER SET ascii NOT NULL,      -- H(user:realm:password), never the password
    ha1_sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
    codecs VARCHAR(255) NOT NULL,                       -- ordered, comma separated
    max_contacts INT NOT NULL,
    active TINYINT(1) NOT NULL,
    row_version BIGINT NOT NULL,                        -- peers_version at the last write: the ETag
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY uq_phones_extension (extension)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE trunks (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    description VARCHAR(255) NOT NULL,
    channel_cap INT NOT NULL,
    cps_cap INT NOT NULL,
    codecs VARCHAR(255) NOT NULL,
    dial_prefix VARCHAR(16) NOT NULL,
    auth_username VARCHAR(128) NULL,
    auth_secret VARBINARY(1024) NULL,                   -- AES-GCM: version, nonce, tag, ciphertext
    call_origin_header VARCHAR(8) NOT NULL,
    ruri_strip INT NOT NULL,
    ruri_prefix VARCHAR(16) NOT NULL,
    ruri_params VARCHAR(255) NOT NULL,
    from_user VARCHAR(64) NOT NULL,
    from_domain VARCHAR(253) NOT NULL,
    probe_interval_s INT NOT NULL,
    probe_timeout_ms INT NOT NULL,
    probe_fail_threshold INT NOT NULL,
    probe_recover_threshold INT NOT NULL,
    probe_lag_ms INT NOT NULL,
    probe_alive_codes VARCHAR(200) NOT NULL,
    active TINYINT(1) NOT NULL,
    row_version BIGINT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY uq_trunks_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE trunk_acl (
    trunk_id BIGINT NOT NULL,
    position INT NOT NULL,
    cidr VARCHAR(64) CHARACTER SET ascii NOT NULL,
    PRIMARY KEY (trunk_id, position),
    CONSTRAINT fk_trunk_acl_trunk FOREIGN KEY (trunk_id) REFERENCES trunks (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE trunk_servers (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    trunk_id BIGINT NOT NULL,
    position INT NOT NULL,
    host VARCHAR(253) NOT NULL,
    port INT NULL,                                      -- NULL: locate by DNS SRV (RFC 3263)
    transport VARCHAR(3) NOT NULL,
    scheme VARCHAR(4) NOT NULL,
    outbound_proxy VARCHAR(300) NOT NULL,
    priority INT NOT NULL,                              -- lower first, as in SRV
    weight INT NOT NULL,
    active TINYINT(1) NOT NULL,
    UNIQUE KEY uq_trunk_servers_position (trunk_id, position),
    CONSTRAINT fk_trunk_servers_trunk FOREIGN KEY (trunk_id) REFERENCES trunks (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE campaigns (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    description VARCHAR(255) NOT NULL,
    active TINYINT(1) NOT NULL,
    row_version BIGINT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY uq_campaigns_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A campaign's reserved channels on a trunk; reservations on one trunk never sum past its channel cap.
CREATE TABLE campaign_allocations (
    campaign_id BIGINT NOT NULL,
    trunk_id BIGINT NOT NULL,
    reserved INT NOT NULL,
    restriction VARCHAR(16) NOT NULL,                   -- MAXIMUM_LIMIT | OVERFLOW_ALLOWED
    PRIMARY KEY (campaign_id, trunk_id),
    KEY ix_campaign_allocations_trunk (trunk_id),
    CONSTRAINT fk_allocations_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE,
    CONSTRAINT fk_allocations_trunk FOREIGN KEY (trunk_id) REFERENCES trunks (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who changed what and when; before/after are JSON with secrets masked.
CREATE TABLE audit_log (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at DATETIME(6) NOT NULL,
    actor VARCHAR(128) NOT NULL,
    entity VARCHAR(16) NOT NULL,
    entity_key VARCHAR(128) NOT NULL,
    action VARCHAR(16) NOT NULL,
    version BIGINT NOT NULL,
    before_json LONGTEXT NULL,
    after_json LONGTEXT NULL,
    KEY ix_audit_entity (entity, entity_key),
    KEY ix_audit_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Admin API tokens, stored as SHA-256 of the random token; the token itself is shown once.
CREATE TABLE api_tokens (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    token_hash BINARY(32) NOT NULL,
    role VARCHAR(8) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    created_by VARCHAR(128) NOT NULL,
    UNIQUE KEY uq_api_tokens_name (name),
    UNIQUE KEY uq_api_tokens_hash (token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
