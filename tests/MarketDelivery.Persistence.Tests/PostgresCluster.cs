using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MarketDelivery.Persistence.Tests;

/// <summary>Starts an Orleans TestCluster whose silos use <see cref="SiloBuilderPersistenceExtensions.UseMarketDeliveryPersistence"/> on PostgreSQL.</summary>
public static class PostgresCluster
{
    public const string ConnectionStringKey = "MarketDelivery:TestPostgres";
    public const string ServiceId = "md-tests";
    private const string ClusterIdKey = "MarketDelivery:TestClusterId";

    public static async Task<TestCluster> StartAsync(string connectionString, string clusterId, short silos = 2)
    {
        var builder = new TestClusterBuilder(silos);
        // Real ADO.NET membership instead of the TestingHost's in-process table.
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ClusterId = clusterId;
        builder.Options.ServiceId = ServiceId;
        builder.Properties[ConnectionStringKey] = connectionString;
        builder.Properties[ClusterIdKey] = clusterId;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static async Task StopAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = siloBuilder.Configuration;
            siloBuilder.UseMarketDeliveryPersistence(new PersistenceOptions
            {
                Kind = DatabaseKind.PostgreSql,
                ConnectionString = configuration[ConnectionStringKey],
                ClusterId = configuration[ClusterIdKey] ?? throw new InvalidOperationException("No cluster id."),
                ServiceId = ServiceId,
            });
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseAdoNetClustering(o =>
            {
                o.Invariant = SiloBuilderPersistenceExtensions.PostgresInvariant;
                o.ConnectionString = configuration[ConnectionStringKey];
            });
    }
}
