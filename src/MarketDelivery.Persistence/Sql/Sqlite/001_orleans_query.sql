-- Named queries read by Orleans' ADO.NET providers at start-up ("SELECT QueryKey, QueryText FROM OrleansQuery").
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
