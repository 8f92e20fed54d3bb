using System.Net;
using System.Text.Json.Nodes;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Server.Hubs;
using MarketDelivery.Server.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>The customer answers a merchant's substitute over HTTP; the follower of the order sees it pushed with its version.</summary>
public sealed class SubstitutionApprovalApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Http;

    /// <summary>Places the two-stall basket and confirms both tickets: 대파 → 쪽파 (line 1) and 부사 → 홍로 (line 3) substituted.</summary>
    private async Task<string> OrderWithTwoSubstitutes(string customerId)
    {
        var slot = await Baskets.OpenSlot(Http);
        var (status, placed, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, customerId));
        Assert.Equal(HttpStatusCode.Created, status);
        var orderId = (string)placed!["orderId"]!;
        var tickets = placed["tickets"]!.AsArray();
        var (veg, _, _) = await Http.PostJson($"/api/stalls/amsa-chaeso/tickets/{tickets[0]!["ticketId"]}/confirm", new
        {
            lines = new object[] { new { sku = "daepa", pickedQuantity = 2, substituteSku = "jjokpa" }, new { sku = "gamja", pickedQuantity = 3 } },
        });
        var (fruit, _, _) = await Http.PostJson($"/api/stalls/amsa-gwail/tickets/{tickets[1]!["ticketId"]}/confirm", new
        {
            lines = new object[] { new { sku = "sagwa-busa", pickedQuantity = 1, substituteSku = "sagwa-hongro" } },
        });
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (veg, fruit));
        return orderId;
    }

    [Fact]
    public async Task The_customer_approves_one_substitute_and_rejects_another_and_each_change_is_pushed_with_its_version()
    {
        var orderId = await OrderWithTwoSubstitutes("sub-customer");
        var before = await Http.GetJson($"/api/orders/{orderId}");
        Assert.Equal("readyForPickup", (string)before["status"]!);
        Assert.Equal("pending", (string)before["lines"]![0]!["proposal"]!["status"]!);
        Assert.Equal("jjokpa", (string)before["lines"]![0]!["proposal"]!["offered"]!["sku"]!);
        Assert.Equal("pending", (string)before["lines"]![2]!["proposal"]!["status"]!);
        Assert.Null(before["lines"]![1]!["proposal"]);
        var charged = (long)before["chargedTotalWon"]!;
        var apples = (long)before["lines"]![2]!["pick"]!["chargedWon"]!;

        await using var follower = await HubClient.Connect(fixture.Server);
        var pushes = follower.Listen(PushEvents.Order);
        var snapshot = await follower.InvokeAsync<JsonObject>(nameof(MarketHub.FollowOrder), orderId);
        var version = (int)snapshot["version"]!;

        var (approveStatus, approved, _) = await Http.PostJson($"/api/orders/{orderId}/substitutions/1/approve", null);
        Assert.Equal(HttpStatusCode.OK, approveStatus);
        Assert.Equal("approved", (string)approved!["lines"]![0]!["proposal"]!["status"]!);
        Assert.Equal(charged, (long)approved["chargedTotalWon"]!);
        Assert.Equal(version + 1, (int)approved["version"]!);
        var pushedApproval = await pushes.NextMatching(o => (int)o["version"]! == version + 1);
        Assert.Equal("approved", (string)pushedApproval["lines"]![0]!["proposal"]!["status"]!);

        var (rejectStatus, rejected, _) = await Http.PostJson($"/api/orders/{orderId}/substitutions/3/reject", null);
        Assert.Equal(HttpStatusCode.OK, rejectStatus);
        Assert.Equal("rejected", (string)rejected!["lines"]![2]!["proposal"]!["status"]!);
        Assert.Equal("notAvailable", (string)rejected["lines"]![2]!["pick"]!["outcome"]!);
        Assert.Equal(charged - apples, (long)rejected["chargedTotalWon"]!);
        Assert.Equal((long)rejected["orderedTotalWon"]! - (charged - apples), (long)rejected["refundWon"]!);
        var pushedRejection = await pushes.NextMatching(o => (int)o["version"]! == version + 2);
        Assert.Equal(charged - apples, (long)pushedRejection["chargedTotalWon"]!);

        // A repeated tap answers the same order; the other decision afterwards is a conflict.
        var (again, repeated, _) = await Http.PostJson($"/api/orders/{orderId}/substitutions/1/approve", null);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(version + 2, (int)repeated!["version"]!);
        var (conflict, problem, _) = await Http.PostJson($"/api/orders/{orderId}/substitutions/3/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Contains("rejected", (string)problem!["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_without_a_substitute_conflict_and_unknown_or_malformed_ids_are_clear_problems()
    {
        var orderId = await OrderWithTwoSubstitutes("sub-bad-input");

        Assert.Equal(HttpStatusCode.Conflict, (await Http.PostJson($"/api/orders/{orderId}/substitutions/2/approve", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostJson($"/api/orders/{orderId}/substitutions/9/reject", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostJson($"/api/orders/{orderId}/substitutions/first/reject", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostJson("/api/orders/o-abcdefghijkmnpqr/substitutions/1/approve", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostJson("/api/orders/not-an-order/substitutions/1/approve", null)).Status);
        var (bad, problem, _) = await Http.PostJson($"/api/orders/{orderId}/substitutions/%E2%80%8B1/approve", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.NotNull(problem!["errors"]!["lineId"]);
    }
}
