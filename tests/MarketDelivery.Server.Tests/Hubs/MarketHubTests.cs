using System.Net;
using System.Text.Json.Nodes;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Server.Hubs;
using MarketDelivery.Server.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace MarketDelivery.Server.Tests.Hubs;

/// <summary>A real SignalR client on the real port: tablets get tickets, customers get status changes.</summary>
public sealed class MarketHubTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_stall_tablet_receives_the_pick_ticket_the_moment_an_order_is_placed()
    {
        await using var tablet = await Connect();
        var tickets = tablet.Listen(PushEvents.PickTicket);
        var open = await tablet.InvokeAsync<JsonArray>(nameof(MarketHub.JoinStall), "amsa-gwail");
        Assert.NotNull(open);

        var slot = await Baskets.OpenSlot(fixture.Http);
        var (status, placed, _) = await fixture.Http.PlaceOrder(Baskets.TwoStallOrder(slot, "hub-customer"));
        Assert.Equal(HttpStatusCode.Created, status);
        var expected = (string)placed!["tickets"]![1]!["ticketId"]!;

        var ticket = await tickets.NextMatching(t => (string)t["ticketId"]! == expected);
        Assert.Equal("amsa-gwail", (string)ticket["stallId"]!);
        Assert.Equal("open", (string)ticket["status"]!);
        Assert.Equal("sagwa-busa", (string)ticket["lines"]![0]!["sku"]!);
    }

    [Fact]
    public async Task A_follower_of_an_order_receives_its_status_changes_and_staff_see_the_market_board_move()
    {
        var slot = await Baskets.OpenSlot(fixture.Http);
        var (_, placed, _) = await fixture.Http.PlaceOrder(Baskets.TwoStallOrder(slot, "follower"));
        var orderId = (string)placed!["orderId"]!;

        await using var customer = await Connect();
        var updates = customer.Listen(PushEvents.Order);
        var current = await customer.InvokeAsync<JsonObject>(nameof(MarketHub.FollowOrder), orderId);
        Assert.Equal("placed", (string)current["status"]!);

        await using var staff = await Connect();
        var board = staff.Listen(PushEvents.MarketOrder);
        await staff.InvokeAsync(nameof(MarketHub.JoinMarket), Baskets.Market);

        await fixture.Http.PostJson($"/api/stalls/amsa-chaeso/tickets/{placed["tickets"]![0]!["ticketId"]}/confirm",
            new { lines = new object[] { new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 3 } } });
        Assert.Equal("picking", (string)(await updates.NextMatching(o => (string)o["orderId"]! == orderId))["status"]!);

        await fixture.Http.PostJson($"/api/stalls/amsa-gwail/tickets/{placed["tickets"]![1]!["ticketId"]}/confirm",
            new { lines = new object[] { new { sku = "sagwa-busa", pickedQuantity = 1 } } });
        var ready = await updates.NextMatching(o => (string)o["status"]! == "readyForPickup");
        Assert.Equal(orderId, (string)ready["orderId"]!);
        Assert.Equal(28_700, (long)ready["chargedTotalWon"]!);

        await board.NextMatching(o => (string)o["orderId"]! == orderId && (string)o["status"]! == "readyForPickup");
    }

    [Fact]
    public async Task Joining_something_that_does_not_exist_is_a_hub_error()
    {
        await using var client = await Connect();
        var stall = await Assert.ThrowsAsync<HubException>(() => client.InvokeAsync<JsonArray>(nameof(MarketHub.JoinStall), "no-such-stall"));
        Assert.Contains("no-such-stall", stall.Message);
        var order = await Assert.ThrowsAsync<HubException>(() => client.InvokeAsync<JsonObject>(nameof(MarketHub.FollowOrder), "o-aaaaaaaaaaaaaaaa"));
        Assert.Contains("o-aaaaaaaaaaaaaaaa", order.Message);
        await Assert.ThrowsAsync<HubException>(() => client.InvokeAsync(nameof(MarketHub.JoinMarket), "atlantis"));
        // The connection survives a refused call.
        Assert.Equal(HubConnectionState.Connected, client.State);
    }

    private Task<HubConnection> Connect() => HubClient.Connect(fixture.Server);
}
