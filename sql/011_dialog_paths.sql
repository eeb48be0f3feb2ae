-- What the edge needs to send a BYE into a stored dialog itself, towards each side, when the dialog timeout
-- (Edge:MaxCallSeconds) ends the call: per confirmed leg its remote targets, From/To and route sets (paths), and the
-- highest CSeq each side had used when the row was written (callee CSeqs ride in legs as a fourth field).
ALTER TABLE edge_dialogs
    ADD COLUMN paths TEXT NULL,
    ADD COLUMN caller_cseq INT UNSIGNED NOT NULL DEFAULT 0;
