-- The full case record (domain.md §5.2): who asks, the consumer's details
-- and vulnerable groups (Điều 8), the business, the transaction, the
-- request, the evidence and the officer in charge. Lists are JSON arrays.
-- Existing cases get empty values, which is what they meant.
ALTER TABLE cases ADD COLUMN requester_role TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN representative_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN representative_relation TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN referred_from TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN consumer_gender TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN consumer_birth_date TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN consumer_age_band TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN consumer_unit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN consumer_old_address TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN vulnerable_evidence TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN business_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN business_tax_code TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN business_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN business_online_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN transaction_type TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN product_or_service TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN transaction_date TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN specific_request TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN prior_contact_date TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN assigned_to TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN resolution_method TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN vulnerable_groups TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(vulnerable_groups));
ALTER TABLE cases ADD COLUMN issue_types TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(issue_types));
ALTER TABLE cases ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(evidence));
ALTER TABLE cases ADD COLUMN transaction_value INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN damage_claimed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN prior_contact INTEGER NOT NULL DEFAULT 0;

