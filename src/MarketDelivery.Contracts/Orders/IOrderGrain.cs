using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;

namespace MarketDelivery.Contracts.Orders;

/// <summary>One customer order, keyed by its order id. The order is the authority for its pick tickets.</summary>
[Alias("md.IOrderGrain")]
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>Places the order (once); a repeated identical command returns the same order.</summary>
    [Alias("Place")]
    Task<CommandResult<PlacedOrder>> Place(PlaceOrder command);

    /// <summary>The order, or null when no order was placed under this id.</summary>
    [Alias("GetView")]
    Task<OrderView?> GetView();

    /// <summary>A merchant confirms every line of one of the order's tickets.</summary>
    [Alias("ConfirmTicket")]
    Task<CommandResult<TicketConfirmation>> ConfirmTicket(string stallId, string ticketId, ImmutableArray<PickConfirmation> lines);

    /// <summary>Cancels the order while it is still at the market.</summary>
    [Alias("Cancel")]
    Task<CommandResult<OrderView>> Cancel(string reason);
}
