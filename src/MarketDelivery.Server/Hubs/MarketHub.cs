using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Server.Api;
using MarketDelivery.Server.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace MarketDelivery.Server.Hubs;

/// <summary>
/// The one hub for live updates. Clients join the groups they care about: a merchant's tablet its stall, a
/// customer their order, staff their market, a courier's phone its courier. Every join subscribes first and then reads
/// the snapshot it returns, so a change made meanwhile is in the snapshot, or pushed after it, or both (the versions
/// tell which is newer); nothing falls between the two. After a reconnect a client joins again and gets fresh
/// snapshots. Only signed-in clients connect (the token rides on the query string for WebSockets), and every method
/// names its access rule with <see cref="HubAccessAttribute"/>, which <see cref="HubAccessFilter"/> enforces before
/// the method runs: a merchant joins only their stall, a customer follows only their orders, staff join only their
/// market, a courier only themself.
/// </summary>
[Authorize]
public sealed class MarketHub(MarketCatalog catalog, IGrainFactory grains, IdempotentCalls calls) : Hub
{
    public const string Path = "/hubs/market";

    /// <summary>Joins a stall's group; returns its open pick tickets, each with its version.</summary>
    [HubAccess(AuthPolicies.MerchantOfStall, "stallId")]
    public async Task<IReadOnlyList<PickTicketView>> JoinStall(string stallId)
    {
        RequireId("stallId", stallId);
        if (catalog.FindStall(stallId) is null)
        {
            throw new HubException($"There is no stall '{stallId}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, PushGroups.Stall(stallId));
        return await calls.Run(() => grains.GetGrain<IStallGrain>(stallId).GetTickets(PickTicketStatus.Open), Context.ConnectionAborted);
    }

    [HubAccess(AuthPolicies.SignedIn)]
    public Task LeaveStall(string stallId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Stall(RequireId("stallId", stallId)));

    /// <summary>Follows an order's changes; returns the order as it is now, with its version.</summary>
    [HubAccess(AuthPolicies.CustomerOfOrder, "orderId")]
    public async Task<OrderView> FollowOrder(string orderId)
    {
        RequireId("orderId", orderId);
        if (!OrderIds.LooksLikeOrderId(orderId))
        {
            throw new HubException($"There is no order '{orderId}'.");
        }

        var group = PushGroups.Order(orderId);
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
        return await calls.Run(() => grains.GetGrain<IOrderGrain>(orderId).GetView(), Context.ConnectionAborted)
            ?? await Refuse<OrderView>(group, $"There is no order '{orderId}'.");
    }

    [HubAccess(AuthPolicies.SignedIn)]
    public Task UnfollowOrder(string orderId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Order(RequireId("orderId", orderId)));

    /// <summary>
    /// Joins a market's staff group, which sees every order of the market change (<c>marketOrder</c>), its couriers
    /// (<c>courier</c>) and its dispatch board (<c>dispatch</c>); returns the board of orders and the dispatch board.
    /// </summary>
    [HubAccess(AuthPolicies.StaffOfMarket, "marketId")]
    public async Task<MarketSnapshot> JoinMarket(string marketId)
    {
        RequireId("marketId", marketId);
        if (catalog.FindMarket(marketId) is null)
        {
            throw new HubException($"There is no market '{marketId}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, PushGroups.Market(marketId));
        var orders = await calls.Run(() => grains.GetGrain<IMarketGrain>(marketId).GetOrders(null), Context.ConnectionAborted);
        var board = await calls.Run(() => grains.GetGrain<IDispatcherGrain>(marketId).GetBoard(), Context.ConnectionAborted);
        return new MarketSnapshot(orders, board);
    }

    /// <summary>A courier's phone: its own view and route as they change; returns the courier now, with its version.</summary>
    [HubAccess(AuthPolicies.CourierOrStaff, "courierId")]
    public async Task<CourierView> JoinCourier(string courierId)
    {
        RequireId("courierId", courierId);
        var group = PushGroups.Courier(courierId);
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
        return await calls.Run(() => grains.GetGrain<ICourierGrain>(courierId).GetView(), Context.ConnectionAborted)
            ?? await Refuse<CourierView>(group, $"There is no courier '{courierId}'.");
    }

    [HubAccess(AuthPolicies.SignedIn)]
    public Task LeaveCourier(string courierId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Courier(RequireId("courierId", courierId)));

    [HubAccess(AuthPolicies.SignedIn)]
    public Task LeaveMarket(string marketId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Market(RequireId("marketId", marketId)));

    /// <summary>A join whose entity does not exist leaves the group it entered and fails.</summary>
    private async Task<T> Refuse<T>(string group, string problem)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, group);
        throw new HubException(problem);
    }

    /// <summary>The same id rules as the HTTP API; a bad id is a hub error naming the argument.</summary>
    private static string RequireId(string argument, string? value) =>
        InputRules.Check().Id(argument, value).Summary is { } problem ? throw new HubException(problem) : value!;
}

/// <summary>What joining a market returns: its board of orders and its dispatch board, each line with its version.</summary>
public sealed record MarketSnapshot(IReadOnlyList<OrderSummary> Orders, DispatchBoard Board);

/// <summary>
/// Hub calls that fail transiently (a silo failing over, the database away) come back to the client as a hub error
/// that says to try again, the hub's equivalent of a 503 with Retry-After; other errors keep SignalR's default.
/// </summary>
public sealed class TransientFailureHubFilter(ILogger<TransientFailureHubFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            logger.LogWarning(ex, "Transient failure in hub method {Method}", invocationContext.HubMethodName);
            throw new HubException($"Temporarily unavailable; try again in {TransientFailures.RetryAfterSeconds} seconds.");
        }
    }
}
