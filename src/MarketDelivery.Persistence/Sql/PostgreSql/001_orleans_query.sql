-- Named queries read by Orleans' ADO.NET providers at start-up:
-- "SELECT QueryKey, QueryText FROM OrleansQuery" (unquoted, so PostgreSQL folds the names to lower case).
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);
