using MarketDelivery.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace MarketDelivery.Persistence.Tests;

/// <summary>The embedded default: one silo, localhost clustering, ADO.NET storage and reminders in a SQLite file.</summary>
public sealed class SqliteEmbeddedTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("md-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "marketdelivery.db");

    [Fact]
    public async Task State_and_reminders_survive_a_silo_restart()
    {
        using (var first = await StartSiloAsync())
        {
            var grain = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IPersistentCounterGrain>("stall-7");
            await grain.Set("open", 7);
            await grain.RegisterReminder("restock");
            await first.StopAsync();
        }

        using var second = await StartSiloAsync();
        var again = second.Services.GetRequiredService<IGrainFactory>().GetGrain<IPersistentCounterGrain>("stall-7");
        var state = await again.Get();
        Assert.Equal("open", state.Text);
        Assert.Equal(7, state.Count);
        Assert.Equal("1", await again.GetETag());
        Assert.True(await again.HasReminder("restock"));
        var entry = await second.Services.GetRequiredService<IReminderTable>().ReadRow(again.GetGrainId(), "restock");
        Assert.NotNull(entry);
        Assert.Equal(TimeSpan.FromMinutes(10), entry.Period);
        await second.StopAsync();
    }

    [Fact]
    public async Task Write_with_a_stale_etag_is_rejected()
    {
        using var host = await StartSiloAsync();
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>("dispatch");
        var grainId = GrainId.Create("stale-test", "one");
        var first = new GrainState<CounterState>(new CounterState());
        var second = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("x", grainId, first);
        await storage.ReadStateAsync("x", grainId, second);

        await storage.WriteStateAsync("x", grainId, first);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("x", grainId, second));
        await storage.ReadStateAsync("x", grainId, second);
        await storage.WriteStateAsync("x", grainId, second);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("x", grainId, first));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("x", grainId, first));
        await storage.ClearStateAsync("x", grainId, second);
        Assert.Equal("3", second.ETag);
        await host.StopAsync();
    }

    private async Task<IHost> StartSiloAsync()
    {
        var ports = TestPorts.FreePorts(2);
        var options = PersistenceOptions.Sqlite(DatabasePath) with { SiloPort = ports[0], GatewayPort = ports[1] };
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleans(silo => silo.UseMarketDeliveryPersistence(options))
            .Build();
        await host.StartAsync();
        return host;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
