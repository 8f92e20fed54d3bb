using System.Collections.Immutable;
using MarketDelivery.Contracts.Orders;

namespace MarketDelivery.Contracts.Stalls;

/// <summary>A stall's tablet view of its pick tickets. Orders push their tickets here; the stall never calls an order back.</summary>
[Alias("md.IStallGrain")]
public interface IStallGrain : IGrainWithStringKey
{
    /// <summary>Records a new or changed ticket; an update older than what is held is ignored.</summary>
    [Alias("TicketChanged")]
    Task TicketChanged(PickTicketView ticket);

    /// <summary>The stall's tickets, optionally only those in one status, oldest slot first.</summary>
    [Alias("GetTickets")]
    Task<ImmutableArray<PickTicketView>> GetTickets(PickTicketStatus? status);
}
