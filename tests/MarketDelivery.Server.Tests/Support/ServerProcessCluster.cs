using MarketDelivery.Testing;

namespace MarketDelivery.Server.Tests.Support;

/// <summary>
/// Server processes clustered on a fresh PostgreSQL database of their own: migrated once, each process started with
/// the same cluster id and settings, all stopped and the database dropped when disposed.
/// </summary>
public sealed class ServerProcessCluster : IAsyncDisposable
{
    private readonly List<ServerProcess> _servers = [];

    private ServerProcessCluster(PostgresTestDatabase database) => Database = database;

    public PostgresTestDatabase Database { get; }

    public IReadOnlyList<ServerProcess> Servers => _servers;

    /// <summary>Starts <paramref name="count"/> servers and waits until each is healthy and an active silo.</summary>
    public static async Task<ServerProcessCluster> StartAsync(string clusterId, int count, params string[] settings)
    {
        var cluster = new ServerProcessCluster(await PostgresTestDatabase.CreateAsync());
        try
        {
            await ServerProcess.Migrate(cluster.Database.ConnectionString);
            for (var i = 0; i < count; i++)
            {
                cluster._servers.Add(ServerProcess.Start(((char)('a' + i)).ToString(), cluster.Database.ConnectionString, clusterId, settings));
            }

            await Task.WhenAll(cluster._servers.Select(s => s.WaitHealthy()));
            await ServerProcess.WaitForActiveSilos(cluster.Database.ConnectionString, count, cluster._servers);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        await Database.DisposeAsync();
    }
}
