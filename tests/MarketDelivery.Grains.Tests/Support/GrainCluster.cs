using MarketDelivery.Contracts.Push;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Grains.Dispatch;
using MarketDelivery.Grains.Orders;
using Orleans.Configuration;
using MarketDelivery.Persistence;
using MarketDelivery.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace MarketDelivery.Grains.Tests.Support;

/// <summary>
/// A 2-silo TestCluster running the real grains with ADO.NET grain storage on PostgreSQL. Membership is the
/// TestingHost's own; a later cluster on the same database (same service id) sees the earlier one's state.
/// </summary>
public static class GrainCluster
{
    public const string ServiceId = "md-grains-tests";
    private const string ConnectionStringKey = "MarketDelivery:TestPostgres";
    private const string ServicesKey = "MarketDelivery:TestServices";
    private const string ClusterIdKey = "MarketDelivery:TestClusterId";

    public static async Task<TestCluster> StartAsync(string connectionString, TestSiloServices services, short silos = 2)
    {
        var clusterId = $"md-grains-{Guid.NewGuid():N}";
        var builder = new TestClusterBuilder(silos);
        builder.Options.ClusterId = clusterId;
        builder.Options.ServiceId = ServiceId;
        builder.Properties[ConnectionStringKey] = connectionString;
        builder.Properties[ServicesKey] = services.Key;
        builder.Properties[ClusterIdKey] = clusterId;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

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
            var connectionString = configuration[ConnectionStringKey] ?? throw new InvalidOperationException("No connection string.");
            var services = TestSiloServices.Get(configuration[ServicesKey] ?? throw new InvalidOperationException("No services key."));
            siloBuilder.UseMarketDeliveryPersistence(
                PersistenceOptions.Postgres(connectionString) with
                {
                    ClusterId = configuration[ClusterIdKey] ?? throw new InvalidOperationException("No cluster id."),
                    ServiceId = ServiceId,
                },
                configureClustering: false);
            siloBuilder.Services.AddStorageFaults(services.Faults);
            siloBuilder.Services.AddSingleton<MarketCatalog>(TestSiloServices.Catalog);
            siloBuilder.Services.AddSingleton(services.Clock);
            siloBuilder.Services.AddSingleton<IPushNotifier>(services.Push);
            // A pending substitute's expiry reminder ticks every second too (business time is the test's fake clock).
            siloBuilder.Services.AddSingleton(new OrderOptions { ProposalCheckPeriod = TimeSpan.FromSeconds(1) });
            siloBuilder.Services.AddDispatch(services.Dispatch);
            // Reminders tick every second here, so a wave release can be watched without waiting minutes.
            siloBuilder.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        }
    }
}

/// <summary>A fresh PostgreSQL database (the silos migrate it when they start) and this class's silo services.</summary>
public class GrainDatabaseFixture : IAsyncLifetime
{
    private PostgresTestDatabase? _database;

    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("Not initialised.");

    public GrainDatabaseFixture()
        : this(null)
    {
    }

    /// <summary>A fixture whose silos run dispatch with options changed by <paramref name="dispatch"/>.</summary>
    protected GrainDatabaseFixture(Func<DispatchRuntimeOptions, DispatchRuntimeOptions>? dispatch) => Services = TestSiloServices.Create(dispatch);

    public TestSiloServices Services { get; }

    public virtual async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public virtual async Task DisposeAsync()
    {
        Services.Forget();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>One 2-silo cluster per test class.</summary>
public class GrainClusterFixture : GrainDatabaseFixture
{
    private TestCluster? _cluster;

    public GrainClusterFixture()
        : this(null)
    {
    }

    protected GrainClusterFixture(Func<DispatchRuntimeOptions, DispatchRuntimeOptions>? dispatch)
        : base(dispatch)
    {
    }

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("Cluster did not start.");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _cluster = await GrainCluster.StartAsync(ConnectionString, Services);
    }

    public override async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await GrainCluster.StopAsync(_cluster);
        }

        await base.DisposeAsync();
    }
}
