using MarketDelivery.Testing;

namespace MarketDelivery.Server.Tests.Support;

/// <summary>One server on its own fresh PostgreSQL database, shared by the tests of a class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private PostgresTestDatabase? _database;

    public MarketServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string ConnectionString => _database!.ConnectionString;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        Server = new MarketServer(_database.ConnectionString);
        Http = Server.Start();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        await _database!.DisposeAsync();
    }
}
