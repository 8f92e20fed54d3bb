using MarketDelivery.Testing;
using Npgsql;

namespace MarketDelivery.Persistence.Tests;

public sealed class SchemaMigratorTests
{
    [Fact]
    public async Task Applies_every_script_once_and_is_idempotent()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var migrator = new SchemaMigrator();

        var first = await migrator.MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString);
        var second = await migrator.MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString);

        Assert.Equal(SchemaMigrator.ScriptIds(DatabaseKind.PostgreSql), first);
        Assert.Empty(second);
        Assert.Equal(first, await AppliedIds(database.ConnectionString));
        var keys = await QueryKeys(database.ConnectionString);
        foreach (var key in (string[])["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
                     "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
                     "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
                     "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "ReadReminderRowsKey", "ReadRangeRows1Key",
                     "ReadRangeRows2Key", "ReadReminderRowKey", "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey"])
        {
            Assert.Contains(key, keys);
        }
    }

    [Fact]
    public async Task Two_concurrent_migrators_apply_each_script_exactly_once()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();

        var runs = await Task.WhenAll(
            Task.Run(() => new SchemaMigrator().MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString)),
            Task.Run(() => new SchemaMigrator().MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString)));

        var expected = SchemaMigrator.ScriptIds(DatabaseKind.PostgreSql);
        Assert.Equal(expected.Order(), runs.SelectMany(r => r).Order());
        Assert.Equal(expected, await AppliedIds(database.ConnectionString));
    }

    [Fact]
    public async Task Sqlite_scripts_apply_once()
    {
        var path = Path.Combine(Path.GetTempPath(), $"md-migrate-{Guid.NewGuid():N}.db");
        try
        {
            var connectionString = PersistenceOptions.SqliteConnectionString(path);
            var first = await new SchemaMigrator().MigrateAsync(DatabaseKind.Sqlite, connectionString);
            var second = await new SchemaMigrator().MigrateAsync(DatabaseKind.Sqlite, connectionString);
            Assert.Equal(SchemaMigrator.ScriptIds(DatabaseKind.Sqlite), first);
            Assert.Empty(second);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task Migrate_command_reports_success_and_usage()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var output = new StringWriter();

        Assert.Equal(0, await MigrateCommand.RunMigrateCommandAsync(["migrate", "--postgres", database.ConnectionString], output));
        Assert.Equal(0, await MigrateCommand.RunMigrateCommandAsync(["migrate", "--postgres", database.ConnectionString], output));
        Assert.Contains("already current", output.ToString());
        Assert.Equal(2, await MigrateCommand.RunMigrateCommandAsync(["migrate", "--bogus"], TextWriter.Null));
    }

    private static async Task<List<string>> AppliedIds(string connectionString) =>
        await ReadStrings(connectionString, "SELECT id FROM schema_migrations ORDER BY id");

    private static async Task<List<string>> QueryKeys(string connectionString) =>
        await ReadStrings(connectionString, "SELECT QueryKey FROM OrleansQuery");

    private static async Task<List<string>> ReadStrings(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
