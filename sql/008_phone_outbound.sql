-- Phones are not dialers (issue "SIP edge, part 3"): which trunks a phone may call out through, and the caller
-- number a carrier sees for its calls. Existing phones get the defaults: no trunks, caller id from the extension.
ALTER TABLE phones
    ADD COLUMN outbound_trunks TEXT NOT NULL DEFAULT '' AFTER max_contacts,   -- '' none, '*' all, else trunk names comma separated
    ADD COLUMN caller_id VARCHAR(32) NOT NULL DEFAULT '' AFTER outbound_trunks; -- '' = the extension; digits with optional '+', or 'anonymous'
