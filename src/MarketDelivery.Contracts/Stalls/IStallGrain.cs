using System.Collections.Immutable;
using MarketDelivery.Contracts.Orders;

namespace MarketDelivery.Contracts.Stalls;

/// <summary>A stall's tablet view of its pick tickets, read from the stored orders.</summary>
[Alias("md.IStallGrain")]
public interface IStallGrain : IGrainWithStringKey
{
    /// <summary>The stall's tickets, optionally only those in one status, oldest slot first.</summary>
    [Alias("GetTickets")]
    Task<ImmutableArray<PickTicketView>> GetTickets(PickTicketStatus? status);
}
