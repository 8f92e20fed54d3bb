using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MarketDelivery.Load;

/// <summary>What a pushed pick ticket or market board line carries that the push benchmark needs.</summary>
public sealed record PushedLine(string OrderId, string? TicketId, int Version, DateTimeOffset? UpdatedAt, DateTimeOffset? CreatedAt);

/// <summary>
/// <c>push</c>: live-channel latency across servers. Connects <c>--clients</c> SignalR clients spread round-robin over
/// the <c>--base</c> servers; half join a stall's group, half a market's staff group (stalls and markets taken in turn).
/// Then places <c>--orders</c> orders at <c>--rate</c> per second, each through the next server in turn, and times every
/// delivery the clients are owed: a <c>pickTicket</c> to each client of each of the order's stalls and a
/// <c>marketOrder</c> to each client of its market, from the state change (the ticket's <c>createdAt</c>, the line's
/// <c>updatedAt</c>, both stamped by the grain on the server's clock; run on one machine) to receipt. A delivery not
/// received within <c>--grace</c> seconds after the last order is lost.
/// Last line: <c>PUSH clients= p50_ms= p95_ms= p99_ms= lost=</c>.
/// </summary>
public static class PushBenchmark
{
    public const string Usage = """
        MarketDelivery.Load push --base URL [--base URL ...] [options]
          --base URL        a server's root; repeat for each server (clients and orders go round-robin)
          --clients N       SignalR clients (1000); half join stall groups, half market groups
          --orders N        orders to place (200)
          --rate R          orders per second (20)
          --grace S         seconds to wait for late pushes after the last order (10)
          --seed N          random seed of the baskets (1)
        """;

    private sealed record Options(List<Uri> Bases, int Clients, int Orders, double Rate, double Grace, int Seed);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (Parse(args, error) is not { } o)
        {
            return 1;
        }

        var https = o.Bases.Select(b => OrderClient.CreateHttpClient(b, 16)).ToList();
        var tokens = new DevTokens(https[0]);
        try
        {
            var map = await MarketMap.DiscoverAsync(https[0], ct);
            var markets = map.Markets;
            var stalls = markets.SelectMany(m => m.Stalls.Select(s => s.Id)).ToList();
            var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);

            // Who listens to what: client i on server i mod servers; even clients a stall, odd ones a market.
            var stallClients = new ConcurrentDictionary<string, int>();
            var marketClients = new ConcurrentDictionary<string, int>();
            var received = new ConcurrentDictionary<(int Client, string Key), double>();
            var connections = new HubConnection[o.Clients];
            var started = Stopwatch.StartNew();
            using (var gate = new SemaphoreSlim(32))
            {
                await Task.WhenAll(Enumerable.Range(0, o.Clients).Select(async i =>
                {
                    await gate.WaitAsync(ct);
                    try
                    {
                        // Even clients are a stall's tablet (signed in as its merchant), odd ones a market's staff.
                        var scope = i % 2 == 0 ? stalls[i / 2 % stalls.Count] : markets[i / 2 % markets.Count].Id;
                        var bearer = await tokens.Bearer(i % 2 == 0 ? "merchant" : "staff", scope, ct);
                        var connection = new HubConnectionBuilder()
                            .WithUrl(new Uri(o.Bases[i % o.Bases.Count], "hubs/market"), h => h.AccessTokenProvider = () => Task.FromResult<string?>(bearer.Parameter))
                            .AddJsonProtocol(p => p.PayloadSerializerOptions = json)
                            .Build();
                        connection.On<PushedLine>("pickTicket", t =>
                        {
                            if (t.Version == 1 && t.TicketId is { } ticket && t.CreatedAt is { } at)
                            {
                                received.TryAdd((i, "t:" + ticket), (DateTimeOffset.UtcNow - at).TotalMilliseconds);
                            }
                        });
                        connection.On<PushedLine>("marketOrder", l =>
                        {
                            if (l.Version == 1 && l.UpdatedAt is { } at)
                            {
                                received.TryAdd((i, "o:" + l.OrderId), (DateTimeOffset.UtcNow - at).TotalMilliseconds);
                            }
                        });
                        await connection.StartAsync(ct);
                        connections[i] = connection;
                        if (i % 2 == 0)
                        {
                            var stall = stalls[i / 2 % stalls.Count];
                            await connection.InvokeAsync<JsonElement>("JoinStall", stall, ct);
                            stallClients.AddOrUpdate(stall, 1, (_, n) => n + 1);
                        }
                        else
                        {
                            var market = markets[i / 2 % markets.Count].Id;
                            await connection.InvokeAsync<JsonElement>("JoinMarket", market, ct);
                            marketClients.AddOrUpdate(market, 1, (_, n) => n + 1);
                        }
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"connected {o.Clients} clients to {o.Bases.Count} servers in {started.Elapsed.TotalSeconds:0.0} s ({stallClients.Count} stalls, {marketClients.Count} markets)"));

            // Orders on a fixed schedule, through the servers in turn; each acknowledged order adds what is owed.
            var generator = new OrderGenerator(map);
            var rng = new Random(o.Seed);
            var owed = new ConcurrentBag<(int Client, string Key)>();
            // Deliveries to a client of the server that took the POST (where the order's grain usually runs) or another.
            var viaOther = new ConcurrentDictionary<(int Client, string Key), bool>();
            var failed = 0;
            var posts = new LatencySample();
            var placing = new List<Task>();
            var schedule = Stopwatch.StartNew();
            for (var n = 0; n < o.Orders; n++)
            {
                var due = TimeSpan.FromSeconds(n / o.Rate) - schedule.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, ct);
                }

                var order = generator.Next(rng);
                var client = new OrderClient(https[n % https.Count], tokens, TimeSpan.FromSeconds(30));
                var server = n % https.Count;
                placing.Add(Task.Run(async () =>
                {
                    var answer = await client.PlaceAsync(order, ct);
                    posts.Add(answer.Milliseconds);
                    if (!answer.Ok || answer.Body is null)
                    {
                        Interlocked.Increment(ref failed);
                        return;
                    }

                    var orderId = answer.Body["orderId"]!.ToString();
                    foreach (var ticket in answer.Body["tickets"]!.AsArray())
                    {
                        var stall = ticket!["stallId"]!.ToString();
                        for (var i = 0; i < o.Clients; i++)
                        {
                            if (i % 2 == 0 && stalls[i / 2 % stalls.Count] == stall)
                            {
                                owed.Add((i, "t:" + ticket["ticketId"]));
                                viaOther[(i, "t:" + ticket["ticketId"])] = i % o.Bases.Count != server;
                            }
                        }
                    }

                    for (var i = 1; i < o.Clients; i += 2)
                    {
                        if (markets[i / 2 % markets.Count].Id == order.MarketId)
                        {
                            owed.Add((i, "o:" + orderId));
                            viaOther[(i, "o:" + orderId)] = i % o.Bases.Count != server;
                        }
                    }
                }, ct));
            }

            await Task.WhenAll(placing);
            var expected = owed.ToHashSet();
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed.TotalSeconds < o.Grace && expected.Any(k => !received.ContainsKey(k)))
            {
                await Task.Delay(100, ct);
            }

            var samples = expected.Where(received.ContainsKey).Select(k => received[k]).Order().ToArray();
            var lost = expected.Count - samples.Length;
            foreach (var connection in connections.Where(c => c is not null))
            {
                await connection.DisposeAsync();
            }

            var postTimes = posts.Sorted();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"post (the placing request, for comparison): p50_ms={LatencySample.Percentile(postTimes, 50):0.0} p95_ms={LatencySample.Percentile(postTimes, 95):0.0} p99_ms={LatencySample.Percentile(postTimes, 99):0.0}"));
            foreach (var (name, part) in new (string, Func<(int Client, string Key), bool>)[]
            {
                ("tickets", k => k.Key.StartsWith("t:", StringComparison.Ordinal)),
                ("market_lines", k => k.Key.StartsWith("o:", StringComparison.Ordinal)),
                ("same_server", k => !viaOther[k]),
                ("other_server", k => viaOther[k]),
            })
            {
                var some = expected.Where(k => part(k) && received.ContainsKey(k)).Select(k => received[k]).Order().ToArray();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: n={some.Length} p50_ms={LatencySample.Percentile(some, 50):0.0} p95_ms={LatencySample.Percentile(some, 95):0.0} p99_ms={LatencySample.Percentile(some, 99):0.0}"));
            }

            string P(double p) => LatencySample.Percentile(samples, p).ToString("0.0", CultureInfo.InvariantCulture);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"orders={o.Orders} refused={failed} deliveries_owed={expected.Count} received={samples.Length} max_ms={(samples.Length > 0 ? samples[^1] : 0):0.0}"));
            await output.WriteLineAsync($"PUSH clients={o.Clients} p50_ms={P(50)} p95_ms={P(95)} p99_ms={P(99)} lost={lost}");
            return lost == 0 && failed == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var http in https)
            {
                http.Dispose();
            }
        }
    }

    private static Options? Parse(string[] args, TextWriter error)
    {
        var bases = new List<Uri>();
        int clients = 1000, orders = 200, seed = 1;
        double rate = 20, grace = 10;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            var ok = value is not null;
            switch (args[i])
            {
                case "--base" when ok && Uri.TryCreate(value!.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri):
                    bases.Add(uri);
                    break;
                case "--clients" when ok && int.TryParse(value, CultureInfo.InvariantCulture, out clients) && clients > 0:
                case "--orders" when ok && int.TryParse(value, CultureInfo.InvariantCulture, out orders) && orders > 0:
                case "--seed" when ok && int.TryParse(value, CultureInfo.InvariantCulture, out seed):
                case "--rate" when ok && double.TryParse(value, CultureInfo.InvariantCulture, out rate) && rate > 0:
                case "--grace" when ok && double.TryParse(value, CultureInfo.InvariantCulture, out grace) && grace >= 0:
                    break;
                default:
                    error.WriteLine($"bad argument '{args[i]}'\n{Usage}");
                    return null;
            }

            i++;
        }

        if (bases.Count == 0)
        {
            error.WriteLine(Usage);
            return null;
        }

        return new Options(bases, clients, orders, rate, grace, seed);
    }
}
