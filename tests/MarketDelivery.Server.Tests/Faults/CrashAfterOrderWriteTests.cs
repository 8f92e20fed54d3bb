using System.Diagnostics;
using System.Net;
using MarketDelivery.Server.Tests.Support;
using Npgsql;

namespace MarketDelivery.Server.Tests.Faults;

/// <summary>
/// Two server processes on one PostgreSQL. The process that hosts a new order dies the instant the order is stored
/// (a test hook, as with kill -9), before it has told anyone. Without anyone reading the order again, the survivor
/// shows it on both stalls' ticket lists and the market board at once, and the dispatcher plans it within the bound:
/// the dead silo's detection plus one dispatcher tick.
/// </summary>
[Collection(ServerProcessesCollection.Name)]
public sealed class CrashAfterOrderWriteTests
{
    /// <summary>The stated bound: membership declares the dead silo within about 30 s; the dispatcher ticks every 2 s.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private const string Victim = "crash-after-write-customer";

    [Fact]
    public async Task A_stored_order_reaches_its_stalls_board_and_dispatcher_although_its_server_died_right_after_the_write()
    {
        await using var cluster = await ServerProcessCluster.StartAsync(
            "crash-test", 2, "--FaultTests:CrashAfterOrderWriteForCustomer", Victim, "--Dispatch:TickPeriod", "00:00:02");
        var servers = cluster.Servers;
        var slot = await Baskets.OpenSlot(servers[0].Http);
        try
        {
            using var cut = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
            {
                Content = System.Net.Http.Json.JsonContent.Create(Baskets.TwoStallOrder(slot, Victim), options: MarketServer.Json),
            };
            request.Headers.Add("Idempotency-Key", "crash-1");
            var response = await servers[0].Http.SendAsync(request, cut.Token);
            Assert.NotEqual(HttpStatusCode.Created, response.StatusCode); // the server hosting the order died before answering
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // The server the request went to was the one that died.
        }

        await WaitUntil(() => servers.Any(s => s.HasExited), TimeSpan.FromSeconds(30), "no server died after the order was written");
        var survivor = servers.Single(s => !s.HasExited);
        var orderId = await StoredOrderId(cluster.Database.ConnectionString);

        var clock = Stopwatch.StartNew();
        await WaitUntil(async () => await Lists(survivor, "/api/stalls/amsa-chaeso/tickets", orderId)
                                    && await Lists(survivor, "/api/stalls/amsa-gwail/tickets", orderId)
                                    && await Lists(survivor, "/api/markets/amsa/orders", orderId),
            Bound, "the stalls' lists and the market board did not show the stored order");
        var views = clock.Elapsed;

        await WaitUntil(async () => await DispatcherCounts(survivor, slot) >= 1, Bound,
            "the dispatcher never learned of the stored order:\n" + survivor.Diagnosis());
        Console.WriteLine($"CRASH views_s={views.TotalSeconds:F1} dispatcher_s={clock.Elapsed.TotalSeconds:F1}");

        // The order itself answers once the cluster has declared the dead silo (until then: 503, try again).
        await WaitUntil(async () => (await survivor.Http.SendJson(HttpMethod.Get, $"/api/orders/{orderId}")) is { Status: HttpStatusCode.OK } read
                                    && (string?)read.Body!["status"] == "placed",
            Bound, "the stored order could not be read through the survivor");
    }

    /// <summary>The order is in the database although nobody was answered: read it there, not through the API.</summary>
    private static async Task<string> StoredOrderId(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
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
