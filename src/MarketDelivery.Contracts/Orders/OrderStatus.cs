namespace MarketDelivery.Contracts.Orders;

/// <summary>Where an order is in its life. The legal moves between them live in the domain's state machine.</summary>
public enum OrderStatus
{
    /// <summary>Accepted and split into pick tickets; no stall has confirmed yet.</summary>
    Placed = 0,
    /// <summary>At least one stall has confirmed its ticket, others are still picking.</summary>
    Picking = 1,
    /// <summary>Every ticket is confirmed; the bags wait at the market's hand-over point.</summary>
    ReadyForPickup = 2,
    /// <summary>A courier has collected the bags.</summary>
    OutForDelivery = 3,
    Delivered = 4,
    /// <summary>The courier could not hand the order over; it goes back to the market.</summary>
    DeliveryFailed = 5,
    Cancelled = 6,
}

/// <summary>What the customer allows a merchant to do when an item is missing.</summary>
public enum SubstitutionKind
{
    /// <summary>No substitute: pick less (short) or nothing.</summary>
    None = 0,
    /// <summary>The merchant may choose the closest product of the same stall.</summary>
    BestMatch = 1,
    /// <summary>Only the named sku of the same stall.</summary>
    Specific = 2,
}

/// <summary>How a line ended up after picking.</summary>
public enum PickOutcome
{
    Picked = 0,
    Short = 1,
    Substituted = 2,
    NotAvailable = 3,
}
