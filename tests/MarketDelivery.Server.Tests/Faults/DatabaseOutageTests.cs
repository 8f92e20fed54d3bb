using System.Collections.Concurrent;
using System.Net;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;
using Npgsql;

namespace MarketDelivery.Server.Tests.Faults;

/// <summary>
/// The server on a PostgreSQL of the test's own, which the test stops (immediate shutdown, as when the database host
/// goes away) and starts again. Nothing is acknowledged that is not stored; every acknowledged order is there after.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private PostgresInstance _postgres = null!;
    private MarketServer _server = null!;
    private HttpClient _http = null!;
    private string _connectionString = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresInstance.StartAsync(durable: true);
        await using (var admin = new NpgsqlConnection(_postgres.AdminConnectionString))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand("CREATE DATABASE outage", admin).ExecuteNonQueryAsync();
        }

        _connectionString = new NpgsqlConnectionStringBuilder(_postgres.AdminConnectionString) { Database = "outage" }.ConnectionString;
        _server = new MarketServer(_connectionString, clusterId: "outage");
        _http = _server.Start();
        _http.Timeout = TimeSpan.FromSeconds(60);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task An_order_sent_while_the_database_is_down_is_never_acknowledged_and_is_stored_once_it_is_back()
    {
        // The reported reproducer: a refused order activates the grain, the database stops, the order is sent twice.
        var slot = await Baskets.OpenSlot(_http);
        var order = Baskets.TwoStallOrder(slot, "outage-customer");
        var refused = Baskets.WithLine(slot, new { stallId = "amsa-chaeso", sku = "daepa", quantity = 0 });
        refused["customerId"] = "outage-customer";
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostJson("/api/orders", refused, idempotencyKey: "outage-1")).Status);

        await _postgres.StopAsync();
        var (first, firstBody, _) = await _http.PostJson("/api/orders", order, idempotencyKey: "outage-1");
        var (again, againBody, againResponse) = await _http.PostJson("/api/orders", order, idempotencyKey: "outage-1");
        await _postgres.StartAsync();

        Assert.True(first == HttpStatusCode.ServiceUnavailable, $"not a 503 while the database was down: {(int)first} {firstBody?.ToJsonString()}");
        Assert.True(again == HttpStatusCode.ServiceUnavailable, $"not a 503 while the database was down: {(int)again} {againBody?.ToJsonString()}");
        Assert.NotNull(againResponse.Headers.RetryAfter);
        Assert.False(againResponse.Headers.Contains("Idempotent-Replayed"));

        var (stored, body, response) = await Eventually(() => _http.PostJson("/api/orders", order, idempotencyKey: "outage-1"));
        Assert.Equal(HttpStatusCode.Created, stored);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"), "the order was acknowledged before it was stored");
        Assert.Equal(1, await StoredOrders((string)body!["orderId"]!));
    }

    [Fact]
    public async Task Orders_placed_while_the_database_stops_and_starts_again_are_all_stored_when_acknowledged()
    {
        var slot = await Baskets.OpenSlot(_http);
        var acknowledged = new ConcurrentDictionary<string, string>();
        var failures = new ConcurrentBag<int>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(14));

        // Eight clients place orders in a loop; a client retries a failed order with the same key, as apps do.
        var clients = Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var key = $"load-{client}-{n}";
                for (var attempt = 0; attempt < 20 && !stop.IsCancellationRequested; attempt++)
                {
                    try
                    {
                        var (status, body, _) = await _http.PostJson("/api/orders", Baskets.TwoStallOrder(slot, $"load-customer-{client}"), idempotencyKey: key);
                        if (status == HttpStatusCode.Created)
                        {
                            acknowledged[key] = (string)body!["orderId"]!;
                            break;
                        }

                        failures.Add((int)status);
                    }
                    catch (HttpRequestException)
                    {
                        failures.Add(0);
                    }

                    await Task.Delay(200);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var beforeOutage = acknowledged.Count;
        await _postgres.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        await _postgres.StartAsync();
        await Task.WhenAll(clients);

        Assert.True(beforeOutage > 0, "no order was placed before the outage");
        Assert.True(acknowledged.Count > beforeOutage, "no order was placed after the database came back");
        Assert.All(failures, status => Assert.Equal(503, status)); // every failure a client saw was a 503, never a 500
        foreach (var orderId in acknowledged.Values)
        {
            Assert.Equal(1, await StoredOrders(orderId));
        }

        Console.WriteLine($"OUTAGE acknowledged={acknowledged.Count} failed_attempts={failures.Count} statuses={string.Join(',', failures.Distinct().Order())}");
    }

    private async Task<long> StoredOrders(string orderId)
    {
        // A pool of the test's own: the server's pooled connections may still be the ones the restart cut.
        var check = new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = "outage-check", Pooling = false };
        await using var connection = new NpgsqlConnection(check.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM md_orders WHERE order_id = @id", connection);
        command.Parameters.AddWithValue("id", orderId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Retries while the server still answers 5xx: the database is back, but connections and silo catch up.</summary>
    private static async Task<(HttpStatusCode, System.Text.Json.Nodes.JsonNode?, HttpResponseMessage)> Eventually(
        Func<Task<(HttpStatusCode, System.Text.Json.Nodes.JsonNode?, HttpResponseMessage)>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await call();
            if ((int)result.Item1 < 500 || attempt == 60)
            {
                return result;
            }

            await Task.Delay(500);
        }
    }
}
