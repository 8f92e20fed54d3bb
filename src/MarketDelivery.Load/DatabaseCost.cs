using System.Globalization;
using Npgsql;

namespace MarketDelivery.Load;

/// <summary>
/// PostgreSQL's own counters for the server's database at one moment: committed and rolled-back transactions
/// (<c>pg_stat_database</c>), statement calls by query (<c>pg_stat_statements</c>, when the extension is loaded) and
/// the WAL position, and the checkpoints so far (a checkpoint during a run inflates its WAL with full-page images).
/// Two snapshots around a run give the database cost per order.
/// </summary>
public sealed record DatabaseSnapshot(long Transactions, IReadOnlyDictionary<long, (long Calls, string Query)>? Statements, decimal WalBytes, long Checkpoints)
{
    /// <summary>Statements this benchmark itself runs to take snapshots; they are not the server's cost.</summary>
    private const string OwnMarker = "/* marketdelivery-load */";

    public static async Task<DatabaseSnapshot> TakeAsync(string connectionString, TextWriter log, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var clear = new NpgsqlCommand($"{OwnMarker} SELECT pg_stat_clear_snapshot()", connection))
        {
            await clear.ExecuteNonQueryAsync(ct);
        }

        long transactions;
        decimal wal;
        long checkpoints;
        await using (var counters = new NpgsqlCommand(
            $"{OwnMarker} SELECT xact_commit + xact_rollback, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0'), " +
            "(SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) FROM pg_stat_database WHERE datname = current_database()",
            connection))
        await using (var reader = await counters.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            transactions = reader.GetInt64(0);
            wal = reader.GetDecimal(1);
            checkpoints = reader.GetInt64(2);
        }

        Dictionary<long, (long, string)>? statements = null;
        try
        {
            await using var command = new NpgsqlCommand(
                $"{OwnMarker} SELECT queryid, calls, query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND queryid IS NOT NULL",
                connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            statements = [];
            while (await reader.ReadAsync(ct))
            {
                var query = reader.GetString(2);
                if (!query.Contains(OwnMarker, StringComparison.Ordinal))
                {
                    var id = reader.GetInt64(0);
                    statements[id] = statements.TryGetValue(id, out var was) ? (was.Item1 + reader.GetInt64(1), query) : (reader.GetInt64(1), query);
                }
            }
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.ObjectNotInPrerequisiteState)
        {
            log.WriteLine($"note: pg_stat_statements is not available ({e.MessageText}); round-trips are counted as transactions. " +
                          "Start PostgreSQL with -c shared_preload_libraries=pg_stat_statements and CREATE EXTENSION pg_stat_statements for statement counts.");
        }

        return new DatabaseSnapshot(transactions, statements, wal, checkpoints);
    }

    /// <summary>Creates pg_stat_statements in the database if the library is preloaded; harmless when it is not.</summary>
    public static async Task TryEnableStatementsAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand($"{OwnMarker} CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException)
        {
            // No permission or not installed: TakeAsync says so.
        }
    }

    private static bool IsReset(string query) => query.TrimStart().StartsWith("DISCARD ALL", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>DB ...</c> lines: the cost per acknowledged order between two snapshots, and the busiest statements.</summary>
    public static IEnumerable<string> Describe(DatabaseSnapshot before, DatabaseSnapshot after, long orders)
    {
        var n = Math.Max(1, orders);
        var transactions = after.Transactions - before.Transactions;
        var wal = after.WalBytes - before.WalBytes;
        long? calls = null;
        long resets = 0;
        var busiest = new List<(long Calls, string Query)>();
        if (before.Statements is { } b && after.Statements is { } a)
        {
            foreach (var (id, (c, query)) in a)
            {
                var delta = c - (b.TryGetValue(id, out var was) ? was.Calls : 0);
                if (delta > 0)
                {
                    busiest.Add((delta, query));
                }
            }

            calls = busiest.Sum(x => x.Calls);
            resets = busiest.Where(x => IsReset(x.Query)).Sum(x => x.Calls);
        }

        // Npgsql resets a pooled connection by sending DISCARD ALL in the same write as the next command: a statement,
        // and a transaction, but not a round-trip of its own.
        var roundTrips = (calls is { } all ? all - resets : transactions) / (double)n;
        yield return string.Create(CultureInfo.InvariantCulture,
            $"DB round_trips_per_order={roundTrips:0.00} wal_bytes_per_order={wal / n:0} xacts_per_order={transactions / (double)n:0.00} " +
            $"resets_per_order={resets / (double)n:0.00} statements_per_order={(calls is { } k ? (k / (double)n).ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} orders={orders} " +
            $"round_trips_from={(calls is null ? "pg_stat_database" : "pg_stat_statements")} checkpoints={after.Checkpoints - before.Checkpoints}");
        foreach (var (c, query) in busiest.OrderByDescending(x => x.Calls).Take(8))
        {
            var text = string.Join(' ', query.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
            yield return string.Create(CultureInfo.InvariantCulture, $"DB   {c / (double)n,6:0.00}/order  {(text.Length > 110 ? text[..110] + "..." : text)}");
        }
    }
}
