using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MarketDelivery.Persistence.Tests;

/// <summary>Shares one 2-silo cluster (ADO.NET membership, storage and reminders on PostgreSQL) per class.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    public MigratedPostgresDatabase Database { get; } = new();

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("Cluster did not start.");

    private TestCluster? _cluster;

    public const string ClusterId = "md-shared";

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _cluster = await PostgresCluster.StartAsync(Database.ConnectionString, ClusterId);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await PostgresCluster.StopAsync(_cluster);
        }

        await Database.DisposeAsync();
    }
}

public sealed class PostgresClusterTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    private IServiceProvider SiloServices => ((InProcessSiloHandle)Cluster.Silos[0]).ServiceProvider;

    [Fact]
    public async Task Two_silos_form_a_cluster_through_adonet_membership()
    {
        var hosts = await Cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);

        var activeRows = await ScalarAsync<long>(
            "SELECT COUNT(*) FROM md_membership WHERE deployment_id = @id AND status = 3", PostgresClusterFixture.ClusterId);
        Assert.Equal(2, activeRows);
    }

    [Fact]
    public async Task Reminder_is_stored_by_the_adonet_reminder_table()
    {
        var grain = Cluster.GrainFactory.GetGrain<IPersistentCounterGrain>("reminder-grain");
        await grain.RegisterReminder("tick");

        Assert.True(await grain.HasReminder("tick"));
        var entry = await SiloServices.GetRequiredService<IReminderTable>().ReadRow(grain.GetGrainId(), "tick");
        Assert.NotNull(entry);
        Assert.Equal(TimeSpan.FromMinutes(10), entry.Period);
        var rows = await ScalarAsync<long>(
            "SELECT COUNT(*) FROM md_reminders WHERE grain_id = @id AND reminder_name = 'tick'", grain.GetGrainId().ToString());
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task Grain_state_round_trips_through_the_couriers_storage()
    {
        var grain = Cluster.GrainFactory.GetGrain<IPersistentCounterGrain>("roundtrip");
        await grain.Set("hello", 1);
        await grain.Set("hello again", 2);

        Assert.Equal("2", await grain.GetETag());
        var rows = await ScalarAsync<long>("SELECT COUNT(*) FROM md_grain_state WHERE version = 2 AND payload IS NOT NULL", null);
        Assert.True(rows >= 1);
    }

    [Fact]
    public async Task Write_with_a_stale_etag_is_rejected()
    {
        var storage = SiloServices.GetRequiredKeyedService<IGrainStorage>("couriers");
        var grainId = GrainId.Create("stale-test", Guid.NewGuid().ToString("N"));
        var first = new GrainState<CounterState>(new CounterState());
        var second = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("x", grainId, first);
        await storage.ReadStateAsync("x", grainId, second);
        Assert.Null(first.ETag);

        first.State!.Count = 1;
        await storage.WriteStateAsync("x", grainId, first);      // creates version 1
        second.State!.Count = 99;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("x", grainId, second)); // no ETag, row exists

        await storage.ReadStateAsync("x", grainId, second);      // catch up: version 1
        second.State!.Count = 2;
        await storage.WriteStateAsync("x", grainId, second);     // version 2
        first.State!.Count = 3;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("x", grainId, first)); // stale version 1
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("x", grainId, first));

        await storage.ClearStateAsync("x", grainId, second);     // version 3, payload gone
        var reread = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("x", grainId, reread);
        Assert.False(reread.RecordExists);
        Assert.Equal(second.ETag, reread.ETag);
        Assert.Equal(0, reread.State!.Count);
    }

    private async Task<T> ScalarAsync<T>(string sql, string? id)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (id is not null)
        {
            command.Parameters.AddWithValue("id", id);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}

public sealed class PostgresRestartTests : IClassFixture<MigratedPostgresDatabase>
{
    private readonly MigratedPostgresDatabase _database;

    public PostgresRestartTests(MigratedPostgresDatabase database) => _database = database;

    [Fact]
    public async Task State_written_by_one_cluster_is_read_by_the_next()
    {
        var first = await PostgresCluster.StartAsync(_database.ConnectionString, "md-restart-1");
        try
        {
            await first.GrainFactory.GetGrain<IPersistentCounterGrain>("order-42").Set("paid", 42);
        }
        finally
        {
            await PostgresCluster.StopAsync(first);
        }

        var second = await PostgresCluster.StartAsync(_database.ConnectionString, "md-restart-2");
        try
        {
            var state = await second.GrainFactory.GetGrain<IPersistentCounterGrain>("order-42").Get();
            Assert.Equal("paid", state.Text);
            Assert.Equal(42, state.Count);
        }
        finally
        {
            await PostgresCluster.StopAsync(second);
        }
    }
}
