using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace MarketDelivery.Persistence;

/// <summary>How a silo persists its state. Build it by hand or with <see cref="FromConfiguration"/>.</summary>
public sealed record PersistenceOptions
{
    public const string DefaultClusterId = "marketdelivery";
    public const string DefaultServiceId = "marketdelivery";
    public const string DefaultSqliteFileName = "marketdelivery.db";

    public DatabaseKind Kind { get; init; } = DatabaseKind.Memory;

    /// <summary>PostgreSQL (Npgsql) or SQLite (Microsoft.Data.Sqlite) connection string; unused for Memory.</summary>
    public string? ConnectionString { get; init; }

    public string ClusterId { get; init; } = DefaultClusterId;

    public string ServiceId { get; init; } = DefaultServiceId;

    /// <summary>Silo-to-silo port for localhost clustering (Sqlite and Memory kinds).</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Client gateway port for localhost clustering (Sqlite and Memory kinds).</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>
    /// Apply the embedded schema scripts when the silo starts, before any provider reads <c>OrleansQuery</c>.
    /// Safe with several silos (scripts are applied once, under a lock). Turn off when a separate
    /// <c>migrate</c> step owns the schema or the silo's database user may not run DDL.
    /// </summary>
    public bool MigrateOnStartup { get; init; } = true;

    public static PersistenceOptions Memory() => new() { Kind = DatabaseKind.Memory };

    public static PersistenceOptions Postgres(string connectionString) =>
        new() { Kind = DatabaseKind.PostgreSql, ConnectionString = connectionString };

    public static PersistenceOptions Sqlite(string databasePath) =>
        new() { Kind = DatabaseKind.Sqlite, ConnectionString = SqliteConnectionString(databasePath) };

    public static string SqliteConnectionString(string databasePath) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(databasePath),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30, // also SQLite's busy timeout: wait for the writer instead of failing at once
        }.ToString();

    /// <summary>
    /// Reads the choice from configuration:
    /// <c>Storage:Kind=Memory</c> forces memory; otherwise <c>ConnectionStrings:Postgres</c> selects PostgreSQL;
    /// otherwise SQLite at <c>Storage:Sqlite</c> (default <c>marketdelivery.db</c> in <paramref name="dataDirectory"/>).
    /// <c>Storage:Kind</c> may also name PostgreSql or Sqlite explicitly.
    /// Optional: <c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c>, <c>Orleans:SiloPort</c>,
    /// <c>Orleans:GatewayPort</c>, <c>Storage:MigrateOnStartup</c>.
    /// </summary>
    public static PersistenceOptions FromConfiguration(IConfiguration configuration, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var kindText = configuration["Storage:Kind"];
        var postgres = configuration.GetConnectionString("Postgres");

        DatabaseKind kind;
        if (!string.IsNullOrWhiteSpace(kindText))
        {
            if (!Enum.TryParse(kindText, ignoreCase: true, out kind) || !Enum.IsDefined(kind))
            {
                throw new InvalidOperationException($"Storage:Kind '{kindText}' is not one of PostgreSql, Sqlite, Memory.");
            }
        }
        else
        {
            kind = string.IsNullOrWhiteSpace(postgres) ? DatabaseKind.Sqlite : DatabaseKind.PostgreSql;
        }

        var connectionString = kind switch
        {
            DatabaseKind.PostgreSql => string.IsNullOrWhiteSpace(postgres)
                ? throw new InvalidOperationException("Storage:Kind is PostgreSql but ConnectionStrings:Postgres is empty.")
                : postgres,
            DatabaseKind.Sqlite => SqliteConnectionString(ResolveSqlitePath(configuration["Storage:Sqlite"], dataDirectory)),
            _ => null,
        };

        var defaults = new PersistenceOptions();
        return new PersistenceOptions
        {
            Kind = kind,
            ConnectionString = connectionString,
            ClusterId = configuration["Orleans:ClusterId"] ?? defaults.ClusterId,
            ServiceId = configuration["Orleans:ServiceId"] ?? defaults.ServiceId,
            SiloPort = configuration.GetValue("Orleans:SiloPort", defaults.SiloPort),
            GatewayPort = configuration.GetValue("Orleans:GatewayPort", defaults.GatewayPort),
            MigrateOnStartup = configuration.GetValue("Storage:MigrateOnStartup", defaults.MigrateOnStartup),
        };
    }

    private static string ResolveSqlitePath(string? configured, string dataDirectory)
    {
        var path = string.IsNullOrWhiteSpace(configured) ? DefaultSqliteFileName : configured;
        return Path.IsPathRooted(path) ? path : Path.Combine(dataDirectory, path);
    }

    // Keep passwords out of logs and exception messages.
    public override string ToString() => $"{Kind} (cluster {ClusterId}, service {ServiceId})";
}
