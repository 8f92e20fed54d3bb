using MarketDelivery.Contracts.Accounts;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Server.Hubs;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace MarketDelivery.Server.Tests.Topology;

/// <summary>
/// The live channel on a cluster: two server processes on one PostgreSQL, real SignalR clients on each. An order placed
/// through one server and confirmed through the other reaches the stall, market and order clients of both servers,
/// whichever silo runs the order's grain, with versions that only grow; a client of another stall gets none of it.
/// A follower that reconnects re-joins and its snapshot carries the version it last saw.
/// </summary>
[Collection(ServerProcessesCollection.Name)]
public sealed class CrossServerPushTests : IAsyncLifetime
{
    private const string VegStall = "amsa-chaeso";
    private const string OtherStall = "amsa-susan";

    private readonly List<ServerProcess> _servers = [];
    private readonly List<HubConnection> _connections = [];
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        foreach (var server in _servers)
        {
            server.Dispose();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Every_client_on_either_server_receives_its_pushes_with_growing_versions_and_no_others()
    {
        await ServerProcess.Migrate(_database.ConnectionString);
        var a = Start("a");
        var b = Start("b");
        await Task.WhenAll(a.WaitHealthy(), b.WaitHealthy());
        await ServerProcess.WaitForActiveSilos(_database.ConnectionString, 2, _servers);
        ServerProcess[] both = [a, b];

        // On each server: a tablet of the vegetable stall, one of a stall the order does not touch, and market staff.
        var tablets = new List<ChannelReader<JsonObject>>();
        var strangers = new List<ChannelReader<JsonObject>>();
        var staff = new List<ChannelReader<JsonObject>>();
        foreach (var server in both)
        {
            var tablet = await Connect(server, TestTokens.For(AccountRole.Merchant, VegStall));
            tablets.Add(tablet.Listen(PushEvents.PickTicket));
            await tablet.InvokeAsync<JsonArray>(nameof(MarketHub.JoinStall), VegStall);

            var stranger = await Connect(server, TestTokens.For(AccountRole.Merchant, OtherStall));
            strangers.Add(stranger.Listen(PushEvents.PickTicket));
            await stranger.InvokeAsync<JsonArray>(nameof(MarketHub.JoinStall), OtherStall);

            var market = await Connect(server, TestTokens.For(AccountRole.Staff, Baskets.Market));
            staff.Add(market.Listen(PushEvents.MarketOrder));
            var snapshot = await market.InvokeAsync<JsonObject>(nameof(MarketHub.JoinMarket), Baskets.Market);
            Assert.NotNull(snapshot["board"]?["version"]);
        }

        // Placed through b.
        var slot = await Baskets.OpenSlot(b.Http);
        using var customerViaB = b.ClientAs(AccountRole.Customer, "push-customer");
        var (status, placed, _) = await customerViaB.PostJson("/api/orders", Baskets.TwoStallOrder(slot, "push-customer"), idempotencyKey: "push-1");
        Assert.Equal(HttpStatusCode.Created, status);
        var orderId = (string)placed!["orderId"]!;
        var vegTicket = (string)placed["tickets"]!.AsArray().Single(t => (string)t!["stallId"]! == VegStall)!["ticketId"]!;
        var fruitTicket = (string)placed["tickets"]!.AsArray().Single(t => (string)t!["stallId"]! != VegStall)!["ticketId"]!;

        // The order's followers, on each server; each snapshot carries the order's version.
        var followers = new List<(ChannelReader<JsonObject> Events, int Snapshot)>();
        foreach (var server in both)
        {
            var customer = await Connect(server, TestTokens.For(AccountRole.Customer, "push-customer"));
            var events = customer.Listen(PushEvents.Order);
            var current = await customer.InvokeAsync<JsonObject>(nameof(MarketHub.FollowOrder), orderId);
            Assert.True((int)current["version"]! >= 1);
            followers.Add((events, (int)current["version"]!));
        }

        // Confirmed through a, by each stall's merchant.
        using var vegMerchant = a.ClientAs(AccountRole.Merchant, VegStall);
        using var fruitMerchant = a.ClientAs(AccountRole.Merchant, "amsa-gwail");
        Assert.Equal(HttpStatusCode.OK, (await vegMerchant.PostJson($"/api/stalls/{VegStall}/tickets/{vegTicket}/confirm",
            new { lines = new object[] { new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 3 } } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await fruitMerchant.PostJson($"/api/stalls/amsa-gwail/tickets/{fruitTicket}/confirm",
            new { lines = new object[] { new { sku = "sagwa-busa", pickedQuantity = 1 } } })).Status);

        foreach (var tablet in tablets)
        {
            var seen = await ReadUntil(tablet, t => (string)t["ticketId"]! == vegTicket && (string)t["status"]! == "confirmed");
            Assert.All(seen, t => Assert.Equal(VegStall, (string)t["stallId"]!));
            var versions = seen.Where(t => (string)t["ticketId"]! == vegTicket).Select(t => (int)t["version"]!).ToList();
            Assert.Equal(1, versions[0]);
            AssertGrowing(versions);
        }

        foreach (var market in staff)
        {
            var seen = await ReadUntil(market, o => (string)o["orderId"]! == orderId && (string)o["status"]! == "readyForPickup");
            var versions = seen.Where(o => (string)o["orderId"]! == orderId).Select(o => (int)o["version"]!).ToList();
            Assert.Equal(1, versions[0]);
            AssertGrowing(versions);
        }

        var last = 0;
        foreach (var (events, snapshot) in followers)
        {
            var seen = await ReadUntil(events, o => (string)o["status"]! == "readyForPickup");
            Assert.All(seen, o => Assert.Equal(orderId, (string)o["orderId"]!));
            // A push already on its way when the client joined may be no newer than the snapshot: the client keeps
            // whichever is newer, so it ignores pushes at or below the snapshot's version.
            var versions = seen.Select(o => (int)o["version"]!).Where(v => v > snapshot).ToList();
            Assert.NotEmpty(versions);
            AssertGrowing(versions);
            last = Math.Max(last, versions[^1]);
        }

        // Reconnect: a follower whose connection dropped joins again, here through the other server, and its snapshot
        // is at least as new as the last push it saw, so it knows whether it missed anything.
        var again = await Connect(a, TestTokens.For(AccountRole.Customer, "push-customer"));
        var rejoined = await again.InvokeAsync<JsonObject>(nameof(MarketHub.FollowOrder), orderId);
        Assert.True((int)rejoined["version"]! >= last, $"snapshot {(int)rejoined["version"]!} older than push {last}");
        Assert.Equal("readyForPickup", (string)rejoined["status"]!);

        // The other stall's tablets: the first ticket they receive is of an order that includes their stall, placed after
        // everything above, so nothing of the first order ever reached them.
        using var secondCustomer = a.ClientAs(AccountRole.Customer, "push-customer-2");
        var (sentinelStatus, sentinel, _) = await secondCustomer.PostJson("/api/orders", new
        {
            customerId = "push-customer-2",
            marketId = Baskets.Market,
            slotId = slot,
            deliveryAddress = Baskets.InsideAddress,
            lines = new object[] { new { stallId = OtherStall, sku = "godeungeo", quantity = 1, substitution = new { kind = "none" } } },
        }, idempotencyKey: "push-2");
        Assert.Equal(HttpStatusCode.Created, sentinelStatus);
        foreach (var stranger in strangers)
        {
            var first = await stranger.NextMatching(_ => true);
            Assert.Equal((string)sentinel!["orderId"]!, (string)first["orderId"]!);
            Assert.Equal(OtherStall, (string)first["stallId"]!);
        }
    }

    [Fact]
    public async Task A_courier_phone_on_either_server_sees_its_own_courier_and_never_another()
    {
        await ServerProcess.Migrate(_database.ConnectionString);
        var a = Start("a");
        var b = Start("b");
        await Task.WhenAll(a.WaitHealthy(), b.WaitHealthy());
        await ServerProcess.WaitForActiveSilos(_database.ConnectionString, 2, _servers);

        using var staffHttp = a.ClientAs(AccountRole.Staff, Baskets.Market);
        foreach (var courier in new[] { "push-rider-1", "push-rider-2" })
        {
            var (registered, _, _) = await staffHttp.SendJson(HttpMethod.Put, $"/api/couriers/{courier}", new
            {
                name = courier, district = "강동구", mode = "scooter", capacityGrams = 30_000, capacityBags = 8, marketIds = new[] { Baskets.Market },
            });
            Assert.Equal(HttpStatusCode.OK, registered);
        }

        // Each courier's phone, once on each server, signed in as that courier.
        var phones = new Dictionary<string, List<ChannelReader<JsonObject>>>();
        foreach (var courier in new[] { "push-rider-1", "push-rider-2" })
        {
            phones[courier] = [];
            foreach (var server in new[] { a, b })
            {
                var phone = await Connect(server, TestTokens.For(AccountRole.Courier, courier));
                phones[courier].Add(phone.Listen(PushEvents.Courier));
                await phone.InvokeAsync<JsonObject>(nameof(MarketHub.JoinCourier), courier);
            }
        }

        // Rider 1 starts a shift through b, rider 2 after that through a: each phone's first push is its own courier's.
        var end = DateTimeOffset.UtcNow.AddHours(8);
        using var rider1 = b.ClientAs(AccountRole.Courier, "push-rider-1");
        using var rider2 = a.ClientAs(AccountRole.Courier, "push-rider-2");
        Assert.Equal(HttpStatusCode.OK, (await rider1.PostJson("/api/couriers/push-rider-1/shift/start", new { plannedEnd = end })).Status);
        foreach (var phone in phones["push-rider-1"])
        {
            var first = await phone.NextMatching(_ => true);
            Assert.Equal("push-rider-1", (string)first["courierId"]!);
            Assert.True((bool)first["onShift"]!);
        }

        Assert.Equal(HttpStatusCode.OK, (await rider2.PostJson("/api/couriers/push-rider-2/shift/start", new { plannedEnd = end })).Status);
        foreach (var phone in phones["push-rider-2"])
        {
            var first = await phone.NextMatching(_ => true);
            Assert.Equal("push-rider-2", (string)first["courierId"]!);
        }

        // Rider 2's token does not reach rider 1's shift.
        Assert.Equal(HttpStatusCode.Forbidden, (await rider2.PostJson("/api/couriers/push-rider-1/shift/end", null)).Status);
    }

    /// <summary>The pushes up to the first that is <paramref name="done"/>; fails with what arrived and both servers' logs.</summary>
    private async Task<List<JsonObject>> ReadUntil(ChannelReader<JsonObject> reader, Func<JsonObject, bool> done)
    {
        var seen = new List<JsonObject>();
        using var timeout = new CancellationTokenSource(HubClient.Patience);
        while (true)
        {
            JsonObject next;
            try
            {
                next = await reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                var logs = string.Join("\n", _servers.Select(s => s.Output).Concat(_servers.Select(s => s.Diagnosis())));
                throw new TimeoutException(
                    $"no matching push in {HubClient.Patience}; received: {string.Join(" | ", seen.Select(s => s.ToJsonString()))}\n{logs}");
            }

            seen.Add(next);
            if (done(next))
            {
                return seen;
            }
        }
    }

    private static void AssertGrowing(List<int> versions)
    {
        for (var i = 1; i < versions.Count; i++)
        {
            Assert.True(versions[i] > versions[i - 1], $"versions not growing: {string.Join(", ", versions)}");
        }
    }

    private async Task<HubConnection> Connect(ServerProcess server, string token)
    {
        var connection = await HubClient.Connect(server.BaseAddress, token);
        _connections.Add(connection);
        return connection;
    }

    private ServerProcess Start(string name)
    {
        var server = ServerProcess.Start(name, _database.ConnectionString, "cross-server-push");
        _servers.Add(server);
        return server;
    }
}
