namespace MarketDelivery.Persistence;

/// <summary>
/// Command-line entry for schema migration, meant to be called from the server's Program:
/// <code>if (args.FirstOrDefault() == "migrate") return await MigrateCommand.RunMigrateCommandAsync(args);</code>
/// Usage: <c>migrate --postgres "&lt;connection string&gt;"</c> or <c>migrate --sqlite &lt;path&gt;</c>.
/// The connection string may also come from the environment variable <c>ConnectionStrings__Postgres</c>.
/// </summary>
public static class MigrateCommand
{
    public const string Usage = "usage: migrate --postgres \"<connection string>\" | migrate --sqlite <file>";

    /// <returns>0 when the schema is current, 1 when migration failed, 2 on a usage error.</returns>
    public static async Task<int> RunMigrateCommandAsync(string[] args, TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        output ??= Console.Out;

        var rest = args.Length > 0 && args[0] == "migrate" ? args[1..] : args;
        DatabaseKind? kind = null;
        string? target = null;
        for (var i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case "--postgres" when i + 1 < rest.Length:
                    (kind, target) = (DatabaseKind.PostgreSql, rest[++i]);
                    break;
                case "--sqlite" when i + 1 < rest.Length:
                    (kind, target) = (DatabaseKind.Sqlite, rest[++i]);
                    break;
                default:
                    await output.WriteLineAsync($"unknown argument '{rest[i]}'. {Usage}");
                    return 2;
            }
        }

        if (kind is null)
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
            if (string.IsNullOrWhiteSpace(fromEnvironment))
            {
                await output.WriteLineAsync(Usage);
                return 2;
            }

            (kind, target) = (DatabaseKind.PostgreSql, fromEnvironment);
        }

        var connectionString = kind == DatabaseKind.Sqlite ? PersistenceOptions.SqliteConnectionString(target!) : target!;
        try
        {
            var applied = await new SchemaMigrator(message => output.WriteLine(message))
                .MigrateAsync(kind.Value, connectionString, cancellationToken);
            await output.WriteLineAsync(applied.Count == 0
                ? $"{kind} schema already current."
                : $"{kind} schema migrated: {string.Join(", ", applied)}.");
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await output.WriteLineAsync($"migration failed: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }
}
