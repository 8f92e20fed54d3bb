using MarketDelivery.Testing;

namespace MarketDelivery.Persistence.Tests;

/// <summary>One fresh, migrated PostgreSQL database per test class.</summary>
public sealed class MigratedPostgresDatabase : IAsyncLifetime
{
    private PostgresTestDatabase? _database;

    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        await new SchemaMigrator().MigrateAsync(DatabaseKind.PostgreSql, _database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
