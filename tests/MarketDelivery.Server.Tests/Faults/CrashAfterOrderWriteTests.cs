using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;
using Npgsql;

namespace MarketDelivery.Server.Tests.Faults;

/// <summary>
/// Two server processes on one PostgreSQL. The process that hosts a new order dies the instant the order is stored
/// (a test hook, as with kill -9), before it has told anyone. Without anyone reading the order again, the survivor
/// shows it on both stalls' ticket lists and the market board at once, and the dispatcher plans it within the bound:
/// the dead silo's detection plus one dispatcher tick.
/// </summary>
public sealed class CrashAfterOrderWriteTests : IAsyncLifetime
{
    /// <summary>The stated bound: membership declares the dead silo within about 30 s; the dispatcher ticks every 2 s.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private const string Victim = "crash-after-write-customer";

    private readonly List<ServerProcess> _servers = [];
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_stored_order_reaches_its_stalls_board_and_dispatcher_although_its_server_died_right_after_the_write()
    {
        await ServerProcess.Migrate(_database.ConnectionString);
        string[] settings = ["--FaultTests:CrashAfterOrderWriteForCustomer", Victim, "--Dispatch:TickPeriod", "00:00:02"];
        _servers.Add(ServerProcess.Start("a", _database.ConnectionString, "crash-test", settings));
        _servers.Add(ServerProcess.Start("b", _database.ConnectionString, "crash-test", settings));
        await Task.WhenAll(_servers.Select(s => s.WaitHealthy()));
        await ServerProcess.WaitForActiveSilos(_database.ConnectionString, 2, _servers);

        var slot = await Baskets.OpenSlot(_servers[0].Http);
        try
        {
            using var cut = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
            {
                Content = System.Net.Http.Json.JsonContent.Create(Baskets.TwoStallOrder(slot, Victim), options: MarketServer.Json),
            };
            request.Headers.Add("Idempotency-Key", "crash-1");
            var response = await _servers[0].Http.SendAsync(request, cut.Token);
            Assert.NotEqual(HttpStatusCode.Created, response.StatusCode); // the server hosting the order died before answering
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // The server the request went to was the one that died.
        }

        await WaitUntil(() => _servers.Any(s => s.HasExited), TimeSpan.FromSeconds(30), "no server died after the order was written");
        var survivor = _servers.Single(s => !s.HasExited);
        var orderId = await StoredOrderId();

        var clock = Stopwatch.StartNew();
        await WaitUntil(async () => await Lists(survivor, "/api/stalls/amsa-chaeso/tickets", orderId)
                                    && await Lists(survivor, "/api/stalls/amsa-gwail/tickets", orderId)
                                    && await Lists(survivor, "/api/markets/amsa/orders", orderId),
            Bound, "the stalls' lists and the market board did not show the stored order");
        var views = clock.Elapsed;

        await WaitUntil(async () => await DispatcherCounts(survivor, slot) >= 1, Bound,
            "the dispatcher never learned of the stored order:\n" + survivor.Output[^Math.Min(4000, survivor.Output.Length)..]);
        Console.WriteLine($"CRASH views_s={views.TotalSeconds:F1} dispatcher_s={clock.Elapsed.TotalSeconds:F1}");

        var order = await survivor.Http.GetJson($"/api/orders/{orderId}");
        Assert.Equal("placed", (string)order["status"]!);
    }

    /// <summary>The order is in the database although nobody was answered: read it there, not through the API.</summary>
    private async Task<string> StoredOrderId()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT order_id FROM md_orders", connection);
        return (string)(await command.ExecuteScalarAsync() ?? throw new Xunit.Sdk.XunitException("the order was not stored"));
    }

    private static async Task<bool> Lists(ServerProcess server, string path, string orderId)
    {
        var (status, body, _) = await server.Http.SendJson(HttpMethod.Get, path);
        return status == HttpStatusCode.OK && body!.AsArray().Any(e => (string?)e!["orderId"] == orderId);
    }

    private static async Task<int> DispatcherCounts(ServerProcess server, string slot)
    {
        var (status, body, _) = await server.Http.SendJson(HttpMethod.Get, "/api/markets/amsa/dispatch");
        return status != HttpStatusCode.OK ? 0
            : body!["waves"]!.AsArray().Where(w => (string?)w!["slotId"] == slot).Sum(w => (int)w!["orders"]!);
    }

    private static Task WaitUntil(Func<bool> condition, TimeSpan patience, string failure) =>
        WaitUntil(() => Task.FromResult(condition()), patience, failure);

    private static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan patience, string failure)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                // The cluster is still noticing the dead silo.
            }

            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(250);
        }
    }
}
