using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Server.Api;
using Microsoft.AspNetCore.SignalR;

namespace MarketDelivery.Server.Hubs;

/// <summary>
/// The one hub for live updates. Clients join the groups they care about: a merchant's tablet its stall, a
/// customer their order, staff their market. Joining returns the current state so nothing is missed between
/// loading a page and subscribing. (Authentication comes with the apps.)
/// </summary>
public sealed class MarketHub(MarketCatalog catalog, IGrainFactory grains, IdempotentCalls calls) : Hub
{
    public const string Path = "/hubs/market";

    /// <summary>Joins a stall's group; returns its open pick tickets.</summary>
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

    public Task LeaveStall(string stallId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Stall(RequireId("stallId", stallId)));

    /// <summary>Follows an order's status changes; returns the order as it is now.</summary>
    public async Task<OrderView> FollowOrder(string orderId)
    {
        RequireId("orderId", orderId);
        if (!OrderIds.LooksLikeOrderId(orderId)
            || await calls.Run(() => grains.GetGrain<IOrderGrain>(orderId).GetView(), Context.ConnectionAborted) is not { } view)
        {
            throw new HubException($"There is no order '{orderId}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, PushGroups.Order(orderId));
        return view;
    }

    public Task UnfollowOrder(string orderId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Order(RequireId("orderId", orderId)));

    /// <summary>Joins a market's staff group, which sees every order of the market change.</summary>
    public async Task JoinMarket(string marketId)
    {
        RequireId("marketId", marketId);
        if (catalog.FindMarket(marketId) is null)
        {
            throw new HubException($"There is no market '{marketId}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, PushGroups.Market(marketId));
    }

    /// <summary>A courier's phone: its own view and route as they change; returns the courier now.</summary>
    public async Task<CourierView> JoinCourier(string courierId)
    {
        RequireId("courierId", courierId);
        if (await calls.Run(() => grains.GetGrain<ICourierGrain>(courierId).GetView(), Context.ConnectionAborted) is not { } view)
        {
            throw new HubException($"There is no courier '{courierId}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, PushGroups.Courier(courierId));
        return view;
    }

    public Task LeaveCourier(string courierId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Courier(RequireId("courierId", courierId)));

    public Task LeaveMarket(string marketId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Market(RequireId("marketId", marketId)));

    /// <summary>The same id rules as the HTTP API; a bad id is a hub error naming the argument.</summary>
    private static string RequireId(string argument, string? value) =>
        InputRules.Check().Id(argument, value).Summary is { } problem ? throw new HubException(problem) : value!;
}

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
