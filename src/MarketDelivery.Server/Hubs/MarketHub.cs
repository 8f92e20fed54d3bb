using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using Microsoft.AspNetCore.SignalR;

namespace MarketDelivery.Server.Hubs;

/// <summary>
/// The one hub for live updates. Clients join the groups they care about: a merchant's tablet its stall, a
/// customer their order, staff their market. Joining returns the current state so nothing is missed between
/// loading a page and subscribing. (Authentication comes with the apps.)
/// </summary>
public sealed class MarketHub(MarketCatalog catalog, IGrainFactory grains) : Hub
{
    public const string Path = "/hubs/market";

    /// <summary>Joins a stall's group; returns its open pick tickets.</summary>
    public async Task<IReadOnlyList<PickTicketView>> JoinStall(string stallId)
    {
        if (string.IsNullOrWhiteSpace(stallId) || catalog.FindStall(stallId) is null)
        {
            throw new HubException($"There is no stall '{stallId}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, PushGroups.Stall(stallId));
        return await grains.GetGrain<IStallGrain>(stallId).GetTickets(PickTicketStatus.Open);
    }

    public Task LeaveStall(string stallId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Stall(stallId ?? ""));

    /// <summary>Follows an order's status changes; returns the order as it is now.</summary>
    public async Task<OrderView> FollowOrder(string orderId)
    {
        if (string.IsNullOrWhiteSpace(orderId) || !OrderIds.LooksLikeOrderId(orderId)
            || await grains.GetGrain<IOrderGrain>(orderId).GetView() is not { } view)
        {
            throw new HubException($"There is no order '{orderId}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, PushGroups.Order(orderId));
        return view;
    }

    public Task UnfollowOrder(string orderId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Order(orderId ?? ""));

    /// <summary>Joins a market's staff group, which sees every order of the market change.</summary>
    public async Task JoinMarket(string marketId)
    {
        if (string.IsNullOrWhiteSpace(marketId) || catalog.FindMarket(marketId) is null)
        {
            throw new HubException($"There is no market '{marketId}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, PushGroups.Market(marketId));
    }

    /// <summary>A courier's phone: its own view and route as they change; returns the courier now.</summary>
    public async Task<CourierView> JoinCourier(string courierId)
    {
        if (string.IsNullOrWhiteSpace(courierId) || await grains.GetGrain<ICourierGrain>(courierId).GetView() is not { } view)
        {
            throw new HubException($"There is no courier '{courierId}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, PushGroups.Courier(courierId));
        return view;
    }

    public Task LeaveCourier(string courierId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Courier(courierId ?? ""));

    public Task LeaveMarket(string marketId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, PushGroups.Market(marketId ?? ""));
}
