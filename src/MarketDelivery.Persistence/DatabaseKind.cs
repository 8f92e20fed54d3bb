namespace MarketDelivery.Persistence;

/// <summary>Where grain state (and, for PostgreSQL, membership and reminders) lives.</summary>
public enum DatabaseKind
{
    /// <summary>Shared PostgreSQL: ADO.NET clustering, grain storage and reminders.</summary>
    PostgreSql,

    /// <summary>Embedded single-node default: grain storage in a SQLite file, localhost clustering.</summary>
    Sqlite,

    /// <summary>Nothing persisted (tests, demos).</summary>
    Memory,
}
