-- DNS order per trunk server (issue 14): how its host name (or its outbound proxy's) is located. Existing servers
-- keep RFC 3263 (SRV when no port is given, else A/AAAA); 'a-first' asks the name's A/AAAA first, then SRV of the
-- name for the transport, then _sip._udp SRV (the Polycom order some carriers document).
ALTER TABLE trunk_servers
    ADD COLUMN dns_order VARCHAR(8) NOT NULL DEFAULT 'rfc3263' AFTER outbound_proxy; -- rfc3263 | a-first
