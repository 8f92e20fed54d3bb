using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;

namespace MarketDelivery.Contracts.Orders;

/// <summary>Where the customer wants the groceries: a position for routing and the text for the courier.</summary>
[GenerateSerializer, Immutable, Alias("md.DeliveryAddress")]
public sealed record DeliveryAddress(
    [property: Id(0)] double Lat,
    [property: Id(1)] double Lon,
    [property: Id(2)] string Text);

/// <summary>The customer's substitution preference for one line. <see cref="Sku"/> is set only for <see cref="SubstitutionKind.Specific"/>.</summary>
[GenerateSerializer, Immutable, Alias("md.Substitution")]
public sealed record Substitution(
    [property: Id(0)] SubstitutionKind Kind,
    [property: Id(1)] string? Sku = null)
{
    public static readonly Substitution None = new(SubstitutionKind.None);
}

/// <summary>One line of a basket as the customer sent it: prices are never taken from the client.</summary>
[GenerateSerializer, Immutable, Alias("md.OrderLineRequest")]
public sealed record OrderLineRequest(
    [property: Id(0)] string StallId,
    [property: Id(1)] string Sku,
    [property: Id(2)] int Quantity,
    [property: Id(3)] Substitution Substitution);

/// <summary>The command to place an order. The order grain's key is derived from the customer and idempotency key.</summary>
[GenerateSerializer, Immutable, Alias("md.PlaceOrder")]
public sealed record PlaceOrder(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] string MarketId,
    [property: Id(2)] DeliveryAddress DeliveryAddress,
    [property: Id(3)] string SlotId,
    [property: Id(4)] ImmutableArray<OrderLineRequest> Lines,
    [property: Id(5)] string? IdempotencyKey);

/// <summary>A merchant's confirmation of one ticket line: how many were picked, and of which substitute if any.</summary>
[GenerateSerializer, Immutable, Alias("md.PickConfirmation")]
public sealed record PickConfirmation(
    [property: Id(0)] string Sku,
    [property: Id(1)] int PickedQuantity,
    [property: Id(2)] string? SubstituteSku = null);

/// <summary>What was really picked for a line, and what it costs.</summary>
[GenerateSerializer, Immutable, Alias("md.PickResultView")]
public sealed record PickResultView(
    [property: Id(0)] PickOutcome Outcome,
    [property: Id(1)] string Sku,
    [property: Id(2)] string Name,
    [property: Id(3)] int PickedQuantity,
    [property: Id(4)] long UnitPriceWon,
    [property: Id(5)] long ChargedWon,
    [property: Id(6)] long RefundWon);

[GenerateSerializer, Immutable, Alias("md.OrderLineView")]
public sealed record OrderLineView(
    [property: Id(0)] int LineNo,
    [property: Id(1)] string StallId,
    [property: Id(2)] string Sku,
    [property: Id(3)] string Name,
    [property: Id(4)] string Unit,
    [property: Id(5)] int Quantity,
    [property: Id(6)] long UnitPriceWon,
    [property: Id(7)] long LineTotalWon,
    [property: Id(8)] Substitution Substitution,
    [property: Id(9)] PickResultView? Pick,
    [property: Id(10)] SubstitutionProposal? Proposal = null);

/// <summary>A short reference to one of the order's pick tickets.</summary>
[GenerateSerializer, Immutable, Alias("md.PickTicketRef")]
public sealed record PickTicketRef(
    [property: Id(0)] string TicketId,
    [property: Id(1)] string StallId,
    [property: Id(2)] string StallName,
    [property: Id(3)] PickTicketStatus Status);

/// <summary>
/// The order as customers, staff and the API see it. <see cref="Version"/> grows with every stored change of the order,
/// so a live client that sees a gap knows it missed a push and re-reads.
/// </summary>
[GenerateSerializer, Immutable, Alias("md.OrderView")]
public sealed record OrderView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] string MarketId,
    [property: Id(3)] OrderStatus Status,
    [property: Id(4)] string SlotId,
    [property: Id(5)] DateTimeOffset SlotStart,
    [property: Id(6)] DateTimeOffset SlotEnd,
    [property: Id(7)] DeliveryAddress DeliveryAddress,
    [property: Id(8)] ImmutableArray<OrderLineView> Lines,
    [property: Id(9)] ImmutableArray<PickTicketRef> Tickets,
    [property: Id(10)] long OrderedTotalWon,
    [property: Id(11)] long ChargedTotalWon,
    [property: Id(12)] long RefundWon,
    [property: Id(13)] DateTimeOffset PlacedAt,
    [property: Id(14)] DateTimeOffset UpdatedAt,
    [property: Id(15)] string? StatusReason,
    [property: Id(16)] DeliveryInfo? Delivery = null,
    [property: Id(17)] int Version = 0);

/// <summary>
/// Who brings the order and when: the courier and ETA from the plan in force, the code the customer shows the
/// courier (null in what anyone but the customer reads), and how the hand-over ended.
/// </summary>
[GenerateSerializer, Immutable, Alias("md.DeliveryInfo")]
public sealed record DeliveryInfo(
    [property: Id(0)] string? DeliveryCode,
    [property: Id(1)] string? CourierId,
    [property: Id(2)] DateTimeOffset? Eta,
    [property: Id(3)] DateTimeOffset? ReadyAt,
    [property: Id(4)] DateTimeOffset? PickedUpAt,
    [property: Id(5)] DateTimeOffset? DeliveredAt,
    [property: Id(6)] string? Proof,
    [property: Id(7)] string? PlanNote);

/// <summary>How a courier proves a hand-over: the customer's delivery code, or a reference to a photo at the door.</summary>
[GenerateSerializer, Immutable, Alias("md.DeliveryProof")]
public sealed record DeliveryProof(
    [property: Id(0)] string? DeliveryCode,
    [property: Id(1)] string? PhotoRef);

/// <summary>
/// A photo of a hand-over, uploaded by the courier for one order. Its id is derived from its content, so an upload
/// repeated after a timeout names the same photo. <paramref name="ContentType"/> comes from the file's own bytes.
/// </summary>
[GenerateSerializer, Immutable, Alias("md.DeliveryPhoto")]
public sealed record DeliveryPhoto(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string PhotoId,
    [property: Id(2)] string CourierId,
    [property: Id(3)] string ContentType,
    [property: Id(4)] byte[] Content,
    [property: Id(5)] DateTimeOffset UploadedAt);

/// <summary>What an upload answers: the photo's id (the <c>photoRef</c> of a delivery) and what was stored.</summary>
[GenerateSerializer, Immutable, Alias("md.DeliveryPhotoInfo")]
public sealed record DeliveryPhotoInfo(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string PhotoId,
    [property: Id(2)] string ContentType,
    [property: Id(3)] int Bytes,
    [property: Id(4)] DateTimeOffset UploadedAt);

/// <summary>The answer to <see cref="PlaceOrder"/>: the order, and whether it already existed for this idempotency key.</summary>
[GenerateSerializer, Immutable, Alias("md.PlacedOrder")]
public sealed record PlacedOrder(
    [property: Id(0)] OrderView Order,
    [property: Id(1)] bool Replayed);

/// <summary>A compact line of an order for the market's overview and, later, dispatch.</summary>
[GenerateSerializer, Immutable, Alias("md.OrderSummary")]
public sealed record OrderSummary(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string MarketId,
    [property: Id(2)] string SlotId,
    [property: Id(3)] DateTimeOffset SlotStart,
    [property: Id(4)] DateTimeOffset SlotEnd,
    [property: Id(5)] OrderStatus Status,
    [property: Id(6)] GeoPosition Destination,
    [property: Id(7)] int TicketsOpen,
    [property: Id(8)] long ChargedTotalWon,
    [property: Id(9)] int WeightGrams,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] int Version,
    [property: Id(12)] int Bags = 1,
    [property: Id(13)] bool Fresh = false,
    [property: Id(14)] DateTimeOffset? ReadyAt = null,
    [property: Id(15)] string? CourierId = null,
    [property: Id(16)] DateTimeOffset? PlacedAt = null);

/// <summary>The answer to confirming a ticket: the ticket as it now stands and the order's new status.</summary>
[GenerateSerializer, Immutable, Alias("md.TicketConfirmation")]
public sealed record TicketConfirmation(
    [property: Id(0)] PickTicketView Ticket,
    [property: Id(1)] OrderStatus OrderStatus,
    [property: Id(2)] bool Replayed);

/// <summary>Where a pick ticket is in its life.</summary>
public enum PickTicketStatus
{
    Open = 0,
    Confirmed = 1,
    Cancelled = 2,
}

/// <summary>One line of a pick ticket, as the merchant's tablet shows it.</summary>
[GenerateSerializer, Immutable, Alias("md.PickTicketLineView")]
public sealed record PickTicketLineView(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Name,
    [property: Id(2)] string Unit,
    [property: Id(3)] int Quantity,
    [property: Id(4)] long UnitPriceWon,
    [property: Id(5)] Substitution Substitution,
    [property: Id(6)] PickResultView? Pick,
    [property: Id(7)] SubstitutionProposal? Proposal = null);

/// <summary>A stall's share of an order. <see cref="Version"/> grows with every change so stale updates can be ignored.</summary>
[GenerateSerializer, Immutable, Alias("md.PickTicketView")]
public sealed record PickTicketView(
    [property: Id(0)] string TicketId,
    [property: Id(1)] string OrderId,
    [property: Id(2)] string MarketId,
    [property: Id(3)] string StallId,
    [property: Id(4)] string SlotId,
    [property: Id(5)] DateTimeOffset SlotStart,
    [property: Id(6)] DateTimeOffset SlotEnd,
    [property: Id(7)] PickTicketStatus Status,
    [property: Id(8)] ImmutableArray<PickTicketLineView> Lines,
    [property: Id(9)] long TicketTotalWon,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset? ConfirmedAt,
    [property: Id(12)] int Version);

/// <summary>Where a merchant's substitute stands with the customer.</summary>
public enum ProposalStatus
{
    /// <summary>Waiting for the customer until <see cref="SubstitutionProposal.ExpiresAt"/>; charged as substituted meanwhile.</summary>
    Pending = 0,
    /// <summary>The customer accepted the substitute: it is charged.</summary>
    Approved = 1,
    /// <summary>The customer refused the substitute: the line is refunded as not available.</summary>
    Rejected = 2,
    /// <summary>Nobody decided in time (or the bags left the market first): refunded as not available.</summary>
    Expired = 3,
}

/// <summary>
/// A substitute the merchant picked for a line, offered to the customer. <see cref="Offered"/> is the substituted pick
/// as the merchant confirmed it; the line's own pick follows the decision (the offer, or nothing when refused).
/// </summary>
[GenerateSerializer, Immutable, Alias("md.SubstitutionProposal")]
public sealed record SubstitutionProposal(
    [property: Id(0)] PickResultView Offered,
    [property: Id(1)] ProposalStatus Status,
    [property: Id(2)] DateTimeOffset ProposedAt,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] DateTimeOffset? DecidedAt = null)
{
    public bool IsPending => Status == ProposalStatus.Pending;
}

/// <summary>A stall's day: its confirmed tickets of orders not cancelled, and what they really charge in won.</summary>
[GenerateSerializer, Immutable, Alias("md.StallTakings")]
public sealed record StallTakings(
    [property: Id(0)] string StallId,
    [property: Id(1)] string Date,
    [property: Id(2)] int TicketsConfirmed,
    [property: Id(3)] long TakingsWon);

/// <summary>One row of a customer's order history.</summary>
[GenerateSerializer, Immutable, Alias("md.CustomerOrderRow")]
public sealed record CustomerOrderRow(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string MarketId,
    [property: Id(2)] string SlotId,
    [property: Id(3)] DateTimeOffset SlotStart,
    [property: Id(4)] DateTimeOffset SlotEnd,
    [property: Id(5)] OrderStatus Status,
    [property: Id(6)] long ChargedTotalWon,
    [property: Id(7)] DateTimeOffset PlacedAt,
    [property: Id(8)] int Version);

/// <summary>A page of a customer's orders, newest first; <see cref="Next"/> asks for the following page (null: no more).</summary>
[GenerateSerializer, Immutable, Alias("md.CustomerOrdersPage")]
public sealed record CustomerOrdersPage(
    [property: Id(0)] ImmutableArray<CustomerOrderRow> Orders,
    [property: Id(1)] string? Next);
