-- Issue #18: a fid is verified (Farcaster Quick Auth), not typed. Users may exist without a fid (signed in with a
-- wallet only); the fids typed into PUT /users/me before are kept, marked unverified. A verified sign-in for a fid
-- that an unverified user holds takes it over (that user keeps its wallets and names, without the fid).
ALTER TABLE users ALTER COLUMN fid DROP NOT NULL;
ALTER TABLE users ADD COLUMN fid_verified boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD CONSTRAINT users_verified_fid_check CHECK (NOT fid_verified OR fid IS NOT NULL);

-- A session is a wallet's (SIWE) or a fid's (POST /auth/farcaster).
ALTER TABLE sessions ALTER COLUMN address DROP NOT NULL;
ALTER TABLE sessions ADD COLUMN fid bigint CHECK (fid > 0);
ALTER TABLE sessions ADD CONSTRAINT sessions_holder_check CHECK (address IS NOT NULL OR fid IS NOT NULL);
