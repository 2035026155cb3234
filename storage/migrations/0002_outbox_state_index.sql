-- The push reads pending mutations in order; index them by state.
CREATE INDEX outbox_state_seq ON outbox (state, seq);
