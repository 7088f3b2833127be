-- POST /nuts/payout {optionAddress}: find a recorded fill by its option contract alone.
CREATE INDEX trades_option_idx ON trades (option_address);
