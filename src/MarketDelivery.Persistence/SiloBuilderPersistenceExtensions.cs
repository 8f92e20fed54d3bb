using MarketDelivery.Domain.Orders;
using MarketDelivery.Persistence.Orders;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace MarketDelivery.Persistence;

public static class SiloBuilderPersistenceExtensions
{
    /// <summary>Orleans ADO.NET invariant for PostgreSQL (served by Npgsql).</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Orleans ADO.NET invariant for SQLite. Orleans 10.4 maps it to Microsoft.Data.Sqlite's SqliteFactory,
    /// loaded by assembly name, so no DbProviderFactories registration is needed.
    /// </summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>
    /// Grain storage names the domain uses (<c>[PersistentState("x", "couriers")]</c> etc.) besides
    /// <see cref="OrderGrainStorage.Name"/>, which the order store serves.
    /// </summary>
    public static IReadOnlyList<string> StorageNames { get; } = ["markets", "stalls", "couriers", "dispatch", "accounts"];

    /// <summary>
    /// PostgreSql: ADO.NET clustering, grain storage (named + default) and reminders.
    /// Sqlite: localhost clustering on the given ports, ADO.NET grain storage in the SQLite file, ADO.NET reminders in the same file.
    /// Memory: localhost clustering, memory storage and reminders.
    /// </summary>
    /// <param name="configureClustering">
    /// False leaves clustering to the caller (e.g. Orleans' TestingHost, which brings its own membership).
    /// </param>
    public static ISiloBuilder UseMarketDeliveryPersistence(this ISiloBuilder silo, PersistenceOptions options, bool configureClustering = true)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);

        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });

        switch (options.Kind)
        {
            case DatabaseKind.PostgreSql:
                var postgres = Require(options);
                AddSchemaMigrationOnStartup(silo, options, postgres);
                if (configureClustering)
                {
                    silo.UseAdoNetClustering(o => { o.Invariant = PostgresInvariant; o.ConnectionString = postgres; });
                }

                AddAdoNetStorage(silo, PostgresInvariant, postgres);
                AddOrderStore(silo, services => new PostgresOrderStore(
                    services.GetRequiredService<PostgresDataSource>().DataSource, options.ServiceId, services.GetRequiredService<Serializer>()));
                silo.Services.AddSingleton<IDeliveryPhotoStore>(services => new PostgresDeliveryPhotoStore(
                    services.GetRequiredService<PostgresDataSource>().DataSource, options.ServiceId));
                silo.Services.AddSingleton(_ => new PostgresDataSource(postgres));
                silo.UseAdoNetReminderService(o => { o.Invariant = PostgresInvariant; o.ConnectionString = postgres; });
                break;

            case DatabaseKind.Sqlite:
                var sqlite = Require(options);
                AddSchemaMigrationOnStartup(silo, options, sqlite);
                if (configureClustering)
                {
                    silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
                }

                AddAdoNetStorage(silo, SqliteInvariant, sqlite);
                AddOrderStore(silo, services => new SqliteOrderStore(sqlite, options.ServiceId, services.GetRequiredService<Serializer>()));
                silo.Services.AddSingleton<IDeliveryPhotoStore>(_ => new SqliteDeliveryPhotoStore(sqlite, options.ServiceId));
                silo.UseAdoNetReminderService(o => { o.Invariant = SqliteInvariant; o.ConnectionString = sqlite; });
                break;

            default:
                if (configureClustering)
                {
                    silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
                }

                foreach (var name in StorageNames)
                {
                    silo.AddMemoryGrainStorage(name);
                }

                silo.AddMemoryGrainStorageAsDefault();
                AddOrderStore(silo, services => new MemoryOrderStore(services.GetRequiredService<Serializer>()));
                silo.Services.AddSingleton<IDeliveryPhotoStore>(new MemoryDeliveryPhotoStore());
                silo.UseInMemoryReminderService();
                break;
        }

        return silo;
    }

    private static string Require(PersistenceOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? throw new InvalidOperationException($"{options.Kind} persistence needs a connection string.")
            : options.ConnectionString;

    private static void AddAdoNetStorage(ISiloBuilder silo, string invariant, string connectionString)
    {
        // Store state in Orleans' own version-tolerant binary format ([Id]/[Alias] on state types) rather than the
        // provider's default Newtonsoft JSON, whose reference tracking breaks on records with value equality.
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        foreach (var name in StorageNames)
        {
            silo.AddAdoNetGrainStorage(name, o => { o.Invariant = invariant; o.ConnectionString = connectionString; });
        }

        silo.AddAdoNetGrainStorageAsDefault(o => { o.Invariant = invariant; o.ConnectionString = connectionString; });
    }

    /// <summary>Orders are stored with their views (<see cref="OrderStore"/>); grains read the views through <see cref="IOrderViews"/>.</summary>
    private static void AddOrderStore(ISiloBuilder silo, Func<IServiceProvider, OrderStore> create)
    {
        silo.Services.AddSingleton(create);
        silo.Services.AddSingleton<IOrderViews>(services => services.GetRequiredService<OrderStore>());
        silo.Services.AddKeyedSingleton<IGrainStorage>(OrderGrainStorage.Name,
            (services, _) => new OrderGrainStorage(services.GetRequiredService<OrderStore>()));
    }

    /// <summary>One pooled Npgsql data source per silo for the order store, disposed with the silo.</summary>
    private sealed class PostgresDataSource(string connectionString) : IDisposable
    {
        public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);

        public void Dispose() => DataSource.Dispose();
    }

    private static void AddSchemaMigrationOnStartup(ISiloBuilder silo, PersistenceOptions options, string connectionString)
    {
        if (!options.MigrateOnStartup)
        {
            return;
        }

        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services =>
            new SchemaMigrationParticipant(options.Kind, connectionString, services.GetRequiredService<ILoggerFactory>()));
    }

    /// <summary>
    /// Runs the migrator in the silo lifecycle ahead of membership, storage and reminders, which all read
    /// <c>OrleansQuery</c> when they start.
    /// </summary>
    private sealed class SchemaMigrationParticipant(DatabaseKind kind, string connectionString, ILoggerFactory loggerFactory)
        : ILifecycleParticipant<ISiloLifecycle>
    {
        private const int Stage = ServiceLifecycleStage.First + 1;

        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SchemaMigrationParticipant), Stage, async ct =>
            {
                var logger = loggerFactory.CreateLogger<SchemaMigrator>();
                var applied = await new SchemaMigrator(message => logger.LogInformation("{Message}", message))
                    .MigrateAsync(kind, connectionString, ct);
                logger.LogInformation("{Kind} schema is current ({Count} script(s) applied now).", kind, applied.Count);
            });
    }
}
