-- The node whose socket holds a binding's flow (issue 16): the node that received the REGISTER ('' for an edge alone).
-- A phone behind NAT, or on a TCP/TLS connection, can only be reached from there: another node hands its calls to
-- that node, and only that node sends it keepalives.
ALTER TABLE registrations
    ADD COLUMN node VARCHAR(64) NOT NULL DEFAULT '';
