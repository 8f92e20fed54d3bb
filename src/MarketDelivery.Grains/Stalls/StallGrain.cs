using System.Collections.Immutable;
using MarketDelivery.Domain;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Domain.Orders;
using Orleans.Concurrency;

namespace MarketDelivery.Grains.Stalls;

/// <summary>
/// A stall's tablet view. It keeps no state of its own: each ticket is a row written with its order, so a stall's
/// cost does not grow with the tickets it has seen. Orders push ticket changes to the stall's tablets themselves.
/// </summary>
[StatelessWorker]
public sealed class StallGrain(IOrderViews views, MarketClock clock) : Grain, IStallGrain
{
    /// <summary>Finished tickets stay on the tablet's list this long after their slot, for the day's history.</summary>
    private static readonly TimeSpan KeepClosedTickets = TimeSpan.FromDays(7);

    public Task<ImmutableArray<PickTicketView>> GetTickets(PickTicketStatus? status) =>
        views.TicketsOfStallAsync(this.GetPrimaryKeyString(), status, clock.GetUtcNow() - KeepClosedTickets);
}
