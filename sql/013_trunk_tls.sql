-- TLS towards carriers (issue 14): how the edge checks the certificates of a trunk's servers with transport tls.
-- Existing trunks keep the defaults: the system trust store, the server's own host name, checks on.
ALTER TABLE trunks
    ADD COLUMN tls_ca_file VARCHAR(1024) NOT NULL DEFAULT '' AFTER probe_alive_codes,     -- '' = system store, else an absolute path to PEM CA certificates
    ADD COLUMN tls_skip_verify TINYINT(1) NOT NULL DEFAULT 0 AFTER tls_ca_file,            -- 1 = accept any certificate (explicit, logged at start)
    ADD COLUMN tls_server_name VARCHAR(253) NOT NULL DEFAULT '' AFTER tls_skip_verify;     -- '' = each server's host; else the name checked and sent as SNI
