using System.Collections.Immutable;
using MarketDelivery.Domain;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;

namespace MarketDelivery.Grains.Markets;

/// <summary>The market's persisted board of its orders.</summary>
[GenerateSerializer, Alias("md.MarketState")]
public sealed class MarketState
{
    [Id(0)] public Dictionary<string, OrderSummary> Orders { get; set; } = [];
}

/// <summary>A market's board of orders: what staff watch, and what dispatch will plan from.</summary>
public sealed class MarketGrain(
    [PersistentState("market", "markets")] IPersistentState<MarketState> state,
    MarketClock clock,
    IPushNotifier push) : Grain, IMarketGrain
{
    /// <summary>Orders finished longer ago than this leave the board.</summary>
    private static readonly TimeSpan KeepFinishedOrders = TimeSpan.FromDays(2);

    public async Task OrderChanged(OrderSummary order)
    {
        if (state.State.Orders.TryGetValue(order.OrderId, out var held) && held.Version >= order.Version)
        {
            return;
        }

        state.State.Orders[order.OrderId] = order;
        var horizon = clock.GetUtcNow() - KeepFinishedOrders;
        foreach (var old in state.State.Orders.Values
                     .Where(o => o.Status is OrderStatus.Delivered or OrderStatus.Cancelled && o.SlotEnd < horizon).ToList())
        {
            state.State.Orders.Remove(old.OrderId);
        }

        await state.WriteStateAsync();
        await push.PublishAsync(PushGroups.Market(this.GetPrimaryKeyString()), PushEvents.MarketOrder, order);
        // One-way: the dispatcher may be planning; nobody waits for it.
        await GrainFactory.GetGrain<IDispatcherGrain>(order.MarketId).OrderChanged(order);
    }

    public Task<ImmutableArray<OrderSummary>> GetOrders(string? slotId) =>
        Task.FromResult(state.State.Orders.Values
            .Where(o => slotId is null || o.SlotId == slotId)
            .OrderBy(o => o.SlotStart).ThenBy(o => o.OrderId, StringComparer.Ordinal)
            .ToImmutableArray());
}
