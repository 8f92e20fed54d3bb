using System.Data.Common;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MarketDelivery.Persistence;

/// <summary>
/// Applies the SQL scripts embedded under <c>Sql/&lt;database&gt;/NNN_*.sql</c> in name order, each exactly once,
/// each in its own transaction, and records them in <c>schema_migrations (id, applied_at)</c>.
/// Running it again is a no-op; two processes running it at once are serialised (PostgreSQL: a session
/// advisory lock; SQLite: the database write lock of <c>BEGIN IMMEDIATE</c>).
/// </summary>
public sealed class SchemaMigrator
{
    // Arbitrary but fixed: every MarketDelivery process contends for the same advisory lock.
    private const long PostgresAdvisoryLockKey = 0x4D44_5343_4845_4D41; // "MDSCHEMA"

    private readonly Action<string> _log;

    public SchemaMigrator(Action<string>? log = null) => _log = log ?? (_ => { });

    /// <summary>Script ids (file names without extension) in the order they are applied.</summary>
    public static IReadOnlyList<string> ScriptIds(DatabaseKind kind) => LoadScripts(kind).Select(s => s.Id).ToList();

    /// <returns>The ids of the scripts applied by this call (empty when the schema was already current).</returns>
    public Task<IReadOnlyList<string>> MigrateAsync(DatabaseKind kind, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return kind switch
        {
            DatabaseKind.PostgreSql => MigratePostgresAsync(connectionString, cancellationToken),
            DatabaseKind.Sqlite => MigrateSqliteAsync(connectionString, cancellationToken),
            _ => Task.FromResult<IReadOnlyList<string>>([]),
        };
    }

    private async Task<IReadOnlyList<string>> MigratePostgresAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);

        // Session-level lock held for the whole run: a second migrator waits here, then finds everything applied.
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({PostgresAdvisoryLockKey})", ct);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations
                (
                    id         text        NOT NULL PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, ct);
            return await ApplyPendingAsync(connection, DatabaseKind.PostgreSql, "now()", ct);
        }
        finally
        {
            // The lock is released with the session anyway; unlocking explicitly keeps pooled connections clean.
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({PostgresAdvisoryLockKey})", CancellationToken.None);
        }
    }

    private async Task<IReadOnlyList<string>> MigrateSqliteAsync(string connectionString, CancellationToken ct)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory) && builder.DataSource != ":memory:")
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);

        // WAL lets readers run beside the single writer; it is a property of the file, set once, outside a transaction.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);
        await ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_migrations
            (
                id         TEXT NOT NULL PRIMARY KEY,
                applied_at TEXT NOT NULL
            )
            """, ct);
        return await ApplyPendingAsync(connection, DatabaseKind.Sqlite, "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", ct);
    }

    private async Task<IReadOnlyList<string>> ApplyPendingAsync(DbConnection connection, DatabaseKind kind, string nowSql, CancellationToken ct)
    {
        var applied = new List<string>();
        foreach (var script in LoadScripts(kind))
        {
            // Microsoft.Data.Sqlite's BeginTransaction is BEGIN IMMEDIATE: it takes the write lock up front,
            // so the "already applied?" check and the script are atomic against another migrator.
            await using var transaction = await connection.BeginTransactionAsync(ct);
            if (await IsAppliedAsync(connection, transaction, script.Id, ct))
            {
                await transaction.RollbackAsync(ct);
                continue;
            }

            _log($"Applying {kind} schema script {script.Id}");
            await ExecuteAsync(connection, transaction, script.Sql, ct);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = $"INSERT INTO schema_migrations (id, applied_at) VALUES (@id, {nowSql})";
                var id = record.CreateParameter();
                id.ParameterName = "id";
                id.Value = script.Id;
                record.Parameters.Add(id);
                await record.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            applied.Add(script.Id);
        }

        return applied;
    }

    private static async Task<bool> IsAppliedAsync(DbConnection connection, DbTransaction transaction, string id, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE id = @id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 120;
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed record Script(string Id, string Sql);

    private static List<Script> LoadScripts(DatabaseKind kind)
    {
        var folder = kind switch
        {
            DatabaseKind.PostgreSql => "PostgreSql",
            DatabaseKind.Sqlite => "Sqlite",
            _ => null,
        };
        if (folder is null)
        {
            return [];
        }

        // Embedded resource names are "<RootNamespace>.Sql.<Folder>.<file>.sql".
        var assembly = typeof(SchemaMigrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Sql.{folder}.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new Script(name[prefix.Length..^".sql".Length], ReadResource(assembly, name)))
            .ToList();
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded schema script {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
