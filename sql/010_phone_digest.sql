-- Digest choice (issue 14): which digest algorithms the registrar offers a phone (RFC 8760), for phones that fail
-- when offered two challenges or that should use SHA-256 only. Existing phones get '' = the server default
-- (Dialer:Edge:DigestAlgorithms).
ALTER TABLE phones
    ADD COLUMN digest_algorithms VARCHAR(32) NOT NULL DEFAULT '' AFTER caller_id; -- '' = server default, else 'MD5' and/or 'SHA-256' comma separated, in offer order
