namespace MarketDelivery.Grains.Orders;

/// <summary>Settings of order grains (configuration section <c>Orders</c>).</summary>
public sealed record OrderOptions
{
    /// <summary>How long, in business time (<c>MarketClock</c>), a customer has to approve or reject a substitute.</summary>
    public TimeSpan SubstitutionApprovalWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often an order with a pending substitute wakes (an Orleans reminder, so a restart loses nothing) to settle
    /// expired ones. At least Orleans' minimum reminder period; an expiry is settled at most this late.
    /// </summary>
    public TimeSpan ProposalCheckPeriod { get; init; } = TimeSpan.FromMinutes(1);
}
