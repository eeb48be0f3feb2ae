-- Shared dialogs (issue 16). A dialog's in-dialog requests may reach any node: its Record-Route token verifies on every
-- node holding the cluster's key. A node that relays the BYE of a dialog another node holds deletes the dialog's row (the
-- one that deletes it is the one that ends it) and leaves an end here for the holder, which ends its dialog, with its
-- channel, at its next look. When the holder is dead, the same transaction also takes one channel off its grant.
ALTER TABLE edge_nodes
    ADD COLUMN sip_addresses VARCHAR(1024) NOT NULL DEFAULT '';   -- host:port of each listen address, space-separated

CREATE TABLE dialog_ends (
    node VARCHAR(64) NOT NULL,                                       -- the node holding the dialog
    id CHAR(16) CHARACTER SET ascii NOT NULL,                        -- edge_dialogs.id
    side VARCHAR(8) NOT NULL,                                        -- 'caller' or 'callee': who sent the BYE
    ended_at DATETIME(6) NOT NULL,
    PRIMARY KEY (node, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
