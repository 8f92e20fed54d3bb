namespace MarketDelivery.Domain.Markets;

/// <summary>
/// Markets whose couriers are shared and planned as one problem (an operator's district, e.g. two markets a few km
/// apart). A market named in no district of <c>data/districts.json</c> is a district of its own, with the market's id.
/// </summary>
/// <param name="Id">Lowercase ascii slug; the district dispatcher's key.</param>
/// <param name="Name">Korean display name.</param>
/// <param name="MarketIds">The markets, in the order the seed file lists them; at least one.</param>
public sealed record District(string Id, string Name, IReadOnlyList<string> MarketIds)
{
    /// <summary>The district of a market that the seed data puts in none: the market alone.</summary>
    public static District Alone(Market market)
    {
        ArgumentNullException.ThrowIfNull(market);
        return new District(market.Id, market.Name, [market.Id]);
    }

    public bool Contains(string marketId) => MarketIds.Contains(marketId, StringComparer.Ordinal);
}
