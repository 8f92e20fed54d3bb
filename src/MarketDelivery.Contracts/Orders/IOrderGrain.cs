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

    /// <summary>Dispatch tells the order which courier brings it and when (null courier: not planned, with a note why).</summary>
    [Alias("PlanDelivery")]
    Task PlanDelivery(string? courierId, DateTimeOffset? eta, string? note);

    /// <summary>A courier collected the bags at the hand-over point.</summary>
    [Alias("PickUp")]
    Task<CommandResult<OrderView>> PickUp(string courierId);

    /// <summary>A courier handed the order over, with proof.</summary>
    [Alias("Deliver")]
    Task<CommandResult<OrderView>> Deliver(string courierId, DeliveryProof proof);

    /// <summary>
    /// The courier the order is planned for or carried by stores a photo of the hand-over (JPEG, PNG or WebP, judged
    /// by its bytes) with the order; its id is then a valid <c>photoRef</c> for <see cref="Deliver"/>. Any other
    /// courier is refused.
    /// </summary>
    [Alias("AddDeliveryPhoto")]
    Task<CommandResult<DeliveryPhotoInfo>> AddDeliveryPhoto(string courierId, byte[] content);

    /// <summary>A courier could not hand the order over (customer absent); it goes back to the market.</summary>
    [Alias("FailDelivery")]
    Task<CommandResult<OrderView>> FailDelivery(string courierId, string reason);

    /// <summary>Market staff send a returned order out again: it is planned anew.</summary>
    [Alias("Requeue")]
    Task<CommandResult<OrderView>> Requeue();

    /// <summary>The customer approves or rejects the substitute a merchant picked for line <paramref name="lineNo"/>.</summary>
    [Alias("DecideSubstitution")]
    Task<CommandResult<OrderView>> DecideSubstitution(int lineNo, bool approve);

    /// <summary>Cancels the order while it is still at the market.</summary>
    [Alias("Cancel")]
    Task<CommandResult<OrderView>> Cancel(string reason);
}
