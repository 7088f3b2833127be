-- The schema is owned by Flyway; later migrations add the feature tables.
SELECT 1;
